// The contract of an inbound sender format: one file per format in this folder, one line in index.ts.
import type { z } from 'zod';
import type { ParsedNotice } from '../notice.js';
import type { SourceConfig } from '../config.js';
import type { Clock } from '../clock.js';

/** A template: markup text for the body, optionally a title. Values in {{ }} are escaped. */
export type Template = string | { title?: string; text?: string };

export interface ParseContext {
  source: string;
  config: SourceConfig;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[] | undefined>;
  raw: Buffer;
  clock: Clock;
}

/** A payload that is wrong in a way the sender can fix: answered 400 with this text. */
export class PayloadError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

export interface InboundFormat<O = any> {
  name: string;
  /** Extra per-source options this format takes (zod object shape, strict). */
  options?: z.ZodType<O>;
  /**
   * Body fields that may carry the source token when the sender cannot set a header or query
   * (NoneBot's `token`). The receiver reads and removes them before parsing.
   */
  tokenFields?: string[];
  /** Parses a JSON body. Throws PayloadError (or a ZodError) naming the field for bad input. */
  parse(body: unknown, ctx: ParseContext): ParsedNotice | Promise<ParsedNotice>;
  /**
   * Format-specific authentication on top of the generic checks (Volcengine's md5 sign). Returns
   * true when the request proved itself, false when the generic token check must still pass.
   */
  authenticate?(body: unknown, ctx: ParseContext): boolean;
  /**
   * The status of a successful answer when the sender insists on one: Volcengine counts anything
   * but 200 as a failure and retries for 10 minutes. Default 202.
   */
  acceptedStatus?: 200 | 202;
  /**
   * The body limit for sources of this format that set none, when larger than server.bodyLimit
   * (BetterGI posts its screenshots inline as base64).
   */
  bodyLimit?: number;
  /** Every event name the sender is known to send, when it documents them (for /mute's check). */
  events?: readonly string[];
  /** Default templates by event name (exact, or '*' for any), per locale. */
  templates: { en: Record<string, Template>; 'zh-CN': Record<string, Template> };
}

// A client for the three Live callback actions (Version 2023-01-01). Keys, endpoint, fetch and clock
// are passed in; nothing is read from the environment or the home directory.
import type { Clock } from '../clock.js';
import { signRequest } from './sign.js';
import { VolcengineError, isRetryable } from './errors.js';

export const LIVE_VERSION = '2023-01-01';
export const DEFAULT_ENDPOINT = 'https://live.volcengineapi.com';
export const MESSAGE_TYPES = ['push', 'push_end', 'record', 'snapshot', 'audit_snapshot'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface VolcCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  endpoint: string;
}

/** Where a callback config lives: a push domain (Vhost) and app, or a Domain without app. */
export interface CallbackScope {
  Vhost?: string;
  Domain?: string;
  App?: string;
}

export interface CallbackConfig extends CallbackScope {
  MessageType: MessageType;
  CallbackDetailList: { CallbackType: 'http'; URL: string }[];
  AuthEnable: boolean;
  AuthKeyPrimary?: string;
  TranscodeCallback?: 0 | 1;
}

/** What DescribeCallback returns per config (undocumented extra fields are kept, never sent back). */
export interface CallbackItem extends CallbackConfig {
  CreateTime?: string;
  CreateTimeUTC?: string;
  [extra: string]: unknown;
}

export interface VolcClientOptions {
  credentials: VolcCredentials;
  clock: Clock;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class VolcClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly o: VolcClientOptions) {
    this.fetch = o.fetch ?? globalThis.fetch;
  }

  /** Adds or wholly replaces the config for (scope, MessageType). */
  async updateCallback(c: CallbackConfig): Promise<void> {
    await this.call('UpdateCallback', c);
  }

  async describeCallback(q: CallbackScope & { MessageType?: MessageType }): Promise<CallbackItem[]> {
    const r = (await this.call('DescribeCallback', q)) as { CallbackList?: CallbackItem[] } | null;
    return r?.CallbackList ?? [];
  }

  /** Without MessageType, removes every type under the scope. */
  async deleteCallback(q: CallbackScope & { MessageType?: MessageType }): Promise<void> {
    await this.call('DeleteCallback', q);
  }

  private async call(action: string, body: object): Promise<unknown> {
    const { credentials: c } = this.o;
    const text = JSON.stringify(body);
    const query = { Action: action, Version: LIVE_VERSION };
    const headers = signRequest({ ...c, service: 'live', method: 'POST', path: '/', query, body: text, date: new Date(this.o.clock.now()) });
    const url = `${c.endpoint.replace(/\/+$/, '')}/?Action=${action}&Version=${LIVE_VERSION}`;
    let res: Response;
    try {
      res = await this.fetch(url, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
        body: text,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      // The cause's own text is left out: it may carry the URL, and the fix is the same.
      const why = (e as Error).name === 'TimeoutError' ? 'no answer in time' : 'could not connect';
      throw new VolcengineError(action, 'NetworkError', 0, `${why} to ${new URL(c.endpoint).host}: check volcengine.endpoint and the network`, true);
    }
    let parsed: { ResponseMetadata?: { RequestId?: string; Error?: { Code?: string; Message?: string } }; Result?: unknown };
    try {
      parsed = (await res.json()) as typeof parsed;
    } catch {
      throw new VolcengineError(action, `HTTP${res.status}`, res.status, 'the answer is not JSON: is volcengine.endpoint the OpenAPI address?', isRetryable('', res.status));
    }
    const err = parsed.ResponseMetadata?.Error;
    if (err || !res.ok) {
      const code = err?.Code ?? `HTTP${res.status}`;
      throw new VolcengineError(action, code, res.status, err?.Message ?? '', isRetryable(code, res.status), parsed.ResponseMetadata?.RequestId);
    }
    return parsed.Result ?? null;
  }
}

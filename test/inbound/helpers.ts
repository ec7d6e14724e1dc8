// Shared by the inbound format tests: a parse context, the fixtures, and rendering a notice.
import { readFileSync, readdirSync } from 'node:fs';
import { ManualClock } from '../../src/clock.js';
import type { InboundFormat, ParseContext } from '../../src/inbound/format.js';
import { formats } from '../../src/inbound/index.js';
import type { Notice, ParsedNotice } from '../../src/notice.js';
import { Renderer, type Locale } from '../../src/render/render.js';
import { plainText } from '../../src/render/markup.js';

/** 2026-03-11T08:00:00Z: after every fixture's event time. */
export const NOW = Date.UTC(2026, 2, 11, 8, 0, 0);

export function ctx(config: Record<string, unknown> = {}, now = NOW): ParseContext {
  return {
    source: 'src',
    config: { format: 'x', public: false, capture: 0, ...config } as unknown as ParseContext['config'],
    headers: {},
    query: {},
    raw: Buffer.alloc(0),
    clock: new ManualClock(now),
  };
}

const FIXTURES = new URL('../fixtures/', import.meta.url);

export function fixtureNames(format: string): string[] {
  return readdirSync(new URL(`${format}/`, FIXTURES)).filter((f) => f.endsWith('.json')).sort();
}

export function fixture(format: string, file: string): any {
  return JSON.parse(readFileSync(new URL(`${format}/${file}`, FIXTURES), 'utf8'));
}

export async function parse(format: string, body: unknown, config: Record<string, unknown> = {}): Promise<ParsedNotice> {
  return (formats[format] as InboundFormat).parse(body, ctx(config));
}

export function toNotice(format: string, p: ParsedNotice): Notice {
  const { dedupKey: _d, ...rest } = p;
  return { ...rest, id: 'ev1', source: 'src', format };
}

/** Renders with the format's default templates: title and the body as the reader sees it. */
export function render(format: string, p: ParsedNotice, locale: Locale = 'en', templates = {}) {
  const msg = new Renderer(templates, formats, locale).render(toNotice(format, p), { locale });
  return { title: msg.title ?? '', body: plainText(msg.body), msg };
}

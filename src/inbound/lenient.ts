// Shared helpers for the sender formats: lenient zod types (senders send numbers as strings and
// nulls for "absent"), clipping of oversized text, and event times.
import * as z from 'zod';
import type { Clock } from '../clock.js';
import type { Field, ParsedNotice } from '../notice.js';
import { formatSeconds } from '../i18n/duration.js';
import { asLocale } from '../i18n/locale.js';
import { wallTimeToUtc } from '../i18n/time.js';

/** A text value that may come as a string or a number; null/absent → undefined. */
export const str = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .nullish()
  .transform((v) => v ?? undefined);

/** A number that may come as a numeric string; null/absent/"" → undefined. */
export const num = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$|^$/, { error: 'must be a number' })
      .transform((s) => (s === '' ? undefined : Number(s))),
  ])
  .nullish()
  .transform((v) => v ?? undefined);

/** A boolean that may come as 0/1 or "true"/"false". */
export const bool = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.enum(['true', 'false', '0', '1'])])
  .transform((v) => v === true || v === 1 || v === 'true' || v === '1')
  .nullish()
  .transform((v) => v ?? undefined);

/** An object whose unknown keys are kept (they reach the templates); null/absent → undefined. */
export const loose = <S extends z.ZodRawShape>(shape: S) =>
  z
    .looseObject(shape)
    .nullish()
    .transform((v) => v ?? undefined);

/** A JSON object of anything (for `data` bags shown in templates). */
export const bag = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((v) => v ?? undefined);

/** The body must be a JSON object; anything else is a ZodError at the top level. */
export function asObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new z.ZodError([{ code: 'custom', path: [], message: 'the body must be a JSON object', input: body }]);
  }
  return body as Record<string, unknown>;
}

/** Longest text a notice carries: about two Telegram messages. The raw payload keeps the rest. */
export const MAX_TEXT = 8000;
export const MAX_TITLE = 256;
export const MAX_FIELD = 1024;

export function clip(s: string | undefined, max = MAX_TEXT): string | undefined {
  if (s === undefined || s.length <= max) return s;
  return s.slice(0, max) + `… (${s.length - max} more characters)`;
}

/** Nesting below this depth is not copied into template variables. */
const MAX_DEPTH = 16;
const MAX_KEYS = 200;

/**
 * A copy of a payload fit for template variables: long strings clipped, deep nesting and huge
 * objects cut, so a hostile payload cannot make the store or the renderer do unbounded work.
 */
export function safeVars(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return clip(v, MAX_TEXT);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(v)) return v.slice(0, MAX_KEYS).map((x) => safeVars(x, depth + 1));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, x] of Object.entries(v)) {
    if (n++ >= MAX_KEYS) break;
    out[k] = safeVars(x, depth + 1);
  }
  return out;
}

/** Fields with empty values dropped and long values clipped. */
export function fields(list: [string, unknown][]): Field[] | undefined {
  const out: Field[] = [];
  for (const [name, value] of list) {
    if (value === undefined || value === null || value === '') continue;
    out.push({ name, value: clip(String(value), MAX_FIELD)! });
  }
  return out.length ? out : undefined;
}

/**
 * ISO-8601 of a sender's time, else the arrival time. Accepts what senders send: RFC 3339 with
 * 7 or 9 fraction digits (.NET, Go), Python's `str(datetime)` with a space, Unix seconds or ms.
 * A time without an offset (BetterGI's `yyyy-MM-dd HH:mm:ss`) is read in `timeZone`, the source's
 * zone; without one, in the server's.
 */
export function eventTime(v: string | number | undefined, clock: Clock, timeZone?: string): string {
  const d = toDate(v, timeZone);
  return (d ?? new Date(clock.now())).toISOString();
}

export function toDate(v: string | number | undefined, timeZone?: string): Date | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'number' || /^\d{9,13}$/.test(v)) {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) return undefined;
    return new Date(n < 1e11 ? n * 1000 : n);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(v.trim());
  if (m && !m[8] && timeZone) {
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
    return new Date(wallTimeToUtc(timeZone, y, mo, d, h, mi, s, ms));
  }
  const date = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}${m[6] ? ':' + m[6] : ''}${m[7] ? '.' + m[7].slice(0, 3).padEnd(3, '0') : ''}${m[8] ?? ''}`) : new Date(v);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * A URL worth linking or showing as an image: http(s) only. Parentheses and backslashes are
 * percent-encoded (same URL) so that `[label]({{ url | raw }})` in a template always parses as a
 * link and a payload cannot use the URL to add markup.
 */
export function httpUrl(v: string | undefined): string | undefined {
  if (!v || !/^https?:\/\/[^\s]+$/i.test(v) || v.length > 2048) return undefined;
  return v.replace(/[()\\]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function humanBytes(n: number | undefined): string | undefined {
  if (n === undefined) return undefined;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = n;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
}

/** Seconds from a sender as people read them in the source's locale: `1 h 37 min`, `1小时37分钟`. */
export function humanDuration(seconds: number | undefined, locale?: string): string | undefined {
  if (seconds === undefined) return undefined;
  return formatSeconds(seconds, asLocale(locale));
}

/** Reads a format's own options out of the source config, defaults applied. */
export function readOptions<T>(schema: z.ZodObject, config: Record<string, unknown>): T {
  const picked: Record<string, unknown> = {};
  for (const k of Object.keys(schema.shape)) if (config[k] !== undefined) picked[k] = config[k];
  return schema.parse(picked) as T;
}

/** Names the renderer puts in every template's scope; payload keys must not shadow them. */
const RESERVED = new Set(['title', 'text', 'event', 'level', 'source', 'time', 'fields', 'link']);

/** A payload object made safe to spread into template variables (see safeVars), reserved names left out. */
export function spreadable(v: unknown): Record<string, unknown> {
  const safe = safeVars(v);
  if (!safe || typeof safe !== 'object' || Array.isArray(safe)) return {};
  return Object.fromEntries(Object.entries(safe).filter(([k]) => !RESERVED.has(k)));
}

/**
 * Picks the English or Chinese wording for what a format writes itself (field names, fallback
 * titles) by the source's `locale`; templates carry both languages for the rest.
 */
export function wording(config: { locale?: string }): (en: string, zh: string) => string {
  return (en, zh) => (config.locale === 'zh-CN' ? zh : en);
}

/**
 * Every part of a notice bounded: whatever a format computed from the payload (names, ids, vars)
 * is clipped, so a 10 MB string anywhere in a payload never becomes a 10 MB notice.
 */
export function bounded(n: ParsedNotice): ParsedNotice {
  const ids = (l: string[] | undefined) => l?.slice(0, 50).map((x) => x.slice(0, 200));
  return {
    ...n,
    title: clip(n.title, MAX_TITLE),
    text: clip(n.text),
    fields: n.fields?.slice(0, 25).map((f) => ({ name: clip(f.name, MAX_TITLE)!, value: clip(f.value, MAX_FIELD)! })),
    imageNote: clip(n.imageNote, MAX_TITLE),
    link: n.link && n.link.length <= 2048 ? n.link : undefined,
    to: ids(n.to),
    toGroup: ids(n.toGroup),
    from: n.from?.slice(0, 200),
    dedupKey: n.dedupKey?.slice(0, 200),
    vars: boundedVars(n.vars),
  };
}

/**
 * Template variables bounded like safeVars, except that the top level keeps the format's own keys:
 * formats spread a payload's object first (spreadable, at most MAX_KEYS keys) and add their own
 * after it (label, streamer, …). Cutting the top level at MAX_KEYS would drop those, and a payload
 * with 200+ keys would render as an empty message.
 */
function boundedVars(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(vars)) {
    if (n++ >= 2 * MAX_KEYS) break;
    out[k] = safeVars(v, 1);
  }
  return out;
}

/** A table lookup by a payload-given key that never finds Object.prototype's members (`constructor`). */
export function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

// The NoneBot `report` plugin body, verbatim (seeds/001, reference/inbound-formats.md §3.3), so
// BetterGI and every script written for the plugin can point at hookbot unchanged.
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import { imageFromBase64 } from './image.js';
import { PayloadError } from './format.js';

// Ids and texts may be strings or numbers. Checked by hand rather than with z.union, which builds
// an issue for every branch that does not match — on every request, for the common number case.
const scalar = (what: string) =>
  z.any().transform((v, ctx) => {
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
    ctx.addIssue({ code: 'custom', message: `expected ${what} (a string or a number), got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}` });
    return z.NEVER;
  });
const id = scalar('an id');
// The plugin wraps a scalar into a one-element list.
const ids = z.any().transform((v, ctx) => {
  const list: unknown[] = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  list.forEach((x, i) => {
    if (typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x))) out.push(String(x));
    else ctx.addIssue({ code: 'custom', path: Array.isArray(v) ? [i] : [], message: `expected an id (a string or a number), got ${x === null ? 'null' : Array.isArray(x) ? 'a list' : typeof x}` });
  });
  return out;
});
const text = scalar('text');

const reportSchema = z.object({
  title: text.nullish(),
  content: text.nullish(),
  send_from: id.nullish(),
  send_to: ids.nullish(),
  send_to_group: ids.nullish(),
  event: z.string().nullish(),
  result: text.nullish(),
  timestamp: text.nullish(),
  screenshot: z.string().nullish(),
  message: z.string().nullish(),
  id: id.nullish(),
});

const FAILED = /fail|error|失败|错误/i;

const ALIASES = { send_from: 'from', send_to: 'to', send_to_group: 'to_group' } as const;

/** An alias is read only when the canonical name is absent (null), as in the plugin. */
function applyAliases(body: Record<string, unknown>): Record<string, unknown> {
  // A new object rather than `delete`, which would turn the body into a slow dictionary object.
  const out: Record<string, unknown> = {};
  for (const k in body) if (k !== 'from' && k !== 'to' && k !== 'to_group') out[k] = body[k];
  for (const [canon, alias] of Object.entries(ALIASES)) if (out[canon] == null && body[alias] != null) out[canon] = body[alias];
  return out;
}

type Report = z.infer<typeof reportSchema>;

// Set apart from every value a field can take, for quickRead to say "not this way".
const BAD = Symbol('bad');

/** A text or id field as the schema reads it, or BAD. */
function scalarOf(v: unknown): string | null | undefined | typeof BAD {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : BAD;
  return v === undefined || v === null ? v : BAD;
}

function idsOf(v: unknown): string[] | null | undefined | typeof BAD {
  if (v === undefined || v === null) return v;
  if (!Array.isArray(v)) {
    const one = scalarOf(v);
    return typeof one === 'string' ? [one] : BAD;
  }
  const out: string[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x === 'string') out[i] = x;
    else if (typeof x === 'number' && Number.isFinite(x)) out[i] = String(x);
    else return BAD;
  }
  return out;
}

function stringOf(v: unknown): string | null | undefined | typeof BAD {
  return typeof v === 'string' || v === undefined || v === null ? v : BAD;
}

/** The canonical field, or its alias when the canonical one is absent (null), as applyAliases does. */
function aliased(body: Record<string, unknown>, canon: string, alias: string): unknown {
  const v = body[canon];
  return v == null && body[alias] != null ? body[alias] : v;
}

/**
 * What reportSchema.parse(applyAliases(body)) gives, read by hand for a body whose every field has
 * the right type — nearly every request; zod's run costs several microseconds on each. Anything
 * else (a wrong type, an own `__proto__` key, which applyAliases would make the copy's prototype)
 * gives undefined, and the schema then reads the body and names the bad field.
 */
export function quickRead(body: Record<string, unknown>): Report | undefined {
  if (Object.hasOwn(body, '__proto__')) return undefined;
  const title = scalarOf(body['title']);
  const content = scalarOf(body['content']);
  const send_from = scalarOf(aliased(body, 'send_from', 'from'));
  const send_to = idsOf(aliased(body, 'send_to', 'to'));
  const send_to_group = idsOf(aliased(body, 'send_to_group', 'to_group'));
  const event = stringOf(body['event']);
  const result = scalarOf(body['result']);
  const timestamp = scalarOf(body['timestamp']);
  const screenshot = stringOf(body['screenshot']);
  const message = stringOf(body['message']);
  const id = scalarOf(body['id']);
  if (
    title === BAD || content === BAD || send_from === BAD || send_to === BAD || send_to_group === BAD || event === BAD ||
    result === BAD || timestamp === BAD || screenshot === BAD || message === BAD || id === BAD
  ) {
    return undefined;
  }
  return { title, content, send_from, send_to, send_to_group, event, result, timestamp, screenshot, message, id };
}

/** The schema's reading of a body (applyAliases, then zod): what quickRead must agree with. */
export function schemaRead(body: Record<string, unknown>): Report {
  return reportSchema.parse(applyAliases(body));
}

export const report: InboundFormat = {
  name: 'report',
  tokenFields: ['token'],
  parse(body, ctx) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new z.ZodError([{ code: 'custom', path: [], message: 'the body must be a JSON object', input: body }]);
    const r = quickRead(body as Record<string, unknown>) ?? schemaRead(body as Record<string, unknown>);
    const shot = r.screenshot ? imageFromBase64(r.screenshot, undefined, undefined, ctx.config.locale) : undefined;
    // Accepted, it would be dead-lettered by every platform as empty: say so now, while the sender listens.
    if (!r.title && !r.content && !r.message && !shot?.image) {
      throw new PayloadError(`nothing to send: the body has no title, content or message${r.screenshot ? ' (and its screenshot could not be used)' : ''}: give at least "content"`);
    }
    // Each field on its own: no word of the pattern can span the two.
    const level = (r.result && FAILED.test(r.result)) || (r.event && FAILED.test(r.event)) ? 'error' : 'info';
    return {
      event: r.event || 'report',
      level,
      title: r.message ? undefined : r.title ?? undefined,
      text: r.message || r.content || '',
      image: shot?.image,
      imageNote: shot?.note,
      time: new Date(ctx.clock.now()).toISOString(),
      to: r.send_to ?? undefined,
      toGroup: r.send_to_group ?? undefined,
      from: r.send_from ?? undefined,
      dedupKey: r.id ?? undefined,
      vars: {
        title: r.title ?? '',
        content: r.content ?? '',
        event: r.event ?? '',
        result: r.result ?? '',
        timestamp: r.timestamp ?? '',
        message: r.message ?? '',
      },
    };
  },
  // The plugin's default REPORT_TEMPLATE is "{title}\n{content}": the title is the heading and the
  // content the text. A non-empty `message` is sent as is (title dropped) — see parse().
  templates: {
    en: {},
    'zh-CN': {},
  },
};

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

const ALIASES = { send_from: 'from', send_to: 'to', send_to_group: 'to_group' } as const;

/** An alias is read only when the canonical name is absent (null), as in the plugin. */
function applyAliases(body: Record<string, unknown>): Record<string, unknown> {
  // A new object rather than `delete`, which would turn the body into a slow dictionary object.
  const out: Record<string, unknown> = {};
  for (const k in body) if (k !== 'from' && k !== 'to' && k !== 'to_group') out[k] = body[k];
  for (const [canon, alias] of Object.entries(ALIASES)) if (out[canon] == null && body[alias] != null) out[canon] = body[alias];
  return out;
}

export const report: InboundFormat = {
  name: 'report',
  tokenFields: ['token'],
  parse(body, ctx) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new z.ZodError([{ code: 'custom', path: [], message: 'the body must be a JSON object', input: body }]);
    const r = reportSchema.parse(applyAliases(body as Record<string, unknown>));
    const shot = r.screenshot ? imageFromBase64(r.screenshot, undefined, undefined, ctx.config.locale) : undefined;
    // Accepted, it would be dead-lettered by every platform as empty: say so now, while the sender listens.
    if (!r.title && !r.content && !r.message && !shot?.image) {
      throw new PayloadError(`nothing to send: the body has no title, content or message${r.screenshot ? ' (and its screenshot could not be used)' : ''}: give at least "content"`);
    }
    const level = /fail|error|失败|错误/i.test(`${r.result ?? ''} ${r.event ?? ''}`) ? 'error' : 'info';
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

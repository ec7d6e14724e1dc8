// Any JSON, mapped per source in the config, for senders hookbot has no format for:
//   sources:
//     nas: { format: generic, token: …, map: { title: $.alert.name, text: "{{ alert.host }} is {{ alert.state }}",
//            level: $.alert.severity, levels: { crit: error } } }
// Each `map` entry is a JSON path (`$.a.b`, `a.b`, `a[0]['b c']`) or, when it contains `{{` or
// `{%`, a liquid template over the payload. Mappings live under `map` because `to`, `to_group` and
// `from` on a source already mean fixed targets.
import type { Template as LiquidTemplate } from 'liquidjs';
import { liquidEngine } from '../render/liquid-engine.js';
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import { PayloadError } from './format.js';
import { LEVELS, type Level } from '../notice.js';
import { imageFromBase64 } from './image.js';
import { getPath, parsePath, type PathStep } from './jsonpath.js';
import { clip, eventTime, httpUrl, MAX_TITLE, readOptions, safeVars, spreadable, bounded } from './lenient.js';
import { plainTitles } from './plain-titles.js';

// Mapping templates come from the config (trusted) but run over payloads (not), so bound them.
const liquid = liquidEngine({ ownPropertyOnly: true, strictFilters: true, renderLimit: 200, memoryLimit: 1e7, parseLimit: 1e5 });

type Mapper = (body: unknown) => unknown;

const compiled = new Map<string, Mapper>();

/** Compiles a map entry; throws an Error that says what is wrong with it. */
export function compileMapping(expr: string): Mapper {
  let m = compiled.get(expr);
  if (m) return m;
  if (/\{\{|\{%/.test(expr)) {
    const tpl: LiquidTemplate[] = liquid.parse(expr);
    m = (body) => {
      const scope = body && typeof body === 'object' && !Array.isArray(body) ? body : { body };
      return String(liquid.renderSync(tpl, scope)).trim();
    };
  } else {
    const steps: PathStep[] = parsePath(expr);
    m = (body) => getPath(body, steps);
  }
  compiled.set(expr, m);
  return m;
}

const expr = z.string().superRefine((s, ctx) => {
  try {
    compileMapping(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `${(e as Error).message.split('\n')[0]}` });
  }
});

const KEYS = ['title', 'text', 'level', 'image', 'id', 'event', 'link', 'time', 'to', 'to_group'] as const;

const options = z.strictObject({
  map: z.strictObject(Object.fromEntries(KEYS.map((k) => [k, expr.optional()])) as Record<(typeof KEYS)[number], z.ZodOptional<typeof expr>>).default({}),
  /** Sender's level words → hookbot levels, e.g. { crit: error, warn: warning }. Case-insensitive. */
  levels: z.record(z.string(), z.enum(LEVELS)).default({}),
});
type Options = z.output<typeof options>;

/** Where to look when the source does not map a key: the names senders most often use. */
const DEFAULTS: Record<(typeof KEYS)[number], string[]> = {
  title: ['$.title', '$.subject', '$.name'],
  text: ['$.text', '$.message', '$.content', '$.body', '$.description', '$.msg'],
  level: ['$.level', '$.severity', '$.status', '$.state'],
  image: ['$.image', '$.image_url', '$.imageUrl'],
  id: ['$.id', '$.event_id', '$.eventId', '$.uuid'],
  event: ['$.event', '$.type', '$.event_type', '$.action'],
  link: ['$.url', '$.link'],
  time: ['$.time', '$.timestamp', '$.ts', '$.date'],
  to: [],
  to_group: [],
};

function pick(o: Options, key: (typeof KEYS)[number], body: unknown): unknown {
  const mapped = o.map[key];
  if (mapped !== undefined) return compileMapping(mapped)(body);
  for (const p of DEFAULTS[key]) {
    const v = compileMapping(p)(body);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function scalar(v: unknown, key: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new PayloadError(`the value mapped to '${key}' is ${Array.isArray(v) ? 'a list' : 'an object'}, not text: map it to a field inside it`, key);
}

function list(v: unknown, key: string): string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,\s]+/) : [v];
  const out = items.map((x) => scalar(x, key)).filter((x): x is string => !!x);
  return out.length ? out : undefined;
}

export function levelOf(raw: string | undefined, custom: Record<string, Level>): Level {
  if (raw === undefined) return 'info';
  const s = raw.trim().toLowerCase();
  for (const [k, l] of Object.entries(custom)) if (k.toLowerCase() === s) return l;
  if ((LEVELS as readonly string[]).includes(s)) return s as Level;
  const word = (re: string) => new RegExp(`(^|[^a-z])(${re})($|[^a-z])`).test(s);
  if (word('crit\\w*|fatal|emerg\\w*|alert\\w*|error|err|fail\\w*|firing|down|panic') || /严重|错误|失败|故障/.test(s)) return 'error';
  if (word('warn\\w*|degraded|pending') || /警告/.test(s)) return 'warning';
  if (word('ok|success\\w*|succeeded|resolved|up|done|passed') || /成功|恢复/.test(s)) return 'success';
  return 'info';
}

export const generic: InboundFormat<Options> = {
  name: 'generic',
  options,
  parse(body, ctx) {
    if (body === undefined) throw new PayloadError('the body is empty: send a JSON value');
    const o = readOptions<Options>(options, ctx.config);
    const title = scalar(pick(o, 'title', body), 'title');
    let text = scalar(pick(o, 'text', body), 'text');
    if (title === undefined && text === undefined) text = JSON.stringify(safeVars(body), null, 2);
    const imageRaw = scalar(pick(o, 'image', body), 'image');
    const img = imageRaw === undefined ? undefined : httpUrl(imageRaw) ? { image: { url: httpUrl(imageRaw)! } } : imageFromBase64(imageRaw, undefined, { en: 'the image', zh: '图片' }, ctx.config.locale);
    const timeRaw = pick(o, 'time', body);
    return bounded({
      event: (scalar(pick(o, 'event', body), 'event') ?? 'generic').slice(0, 100),
      level: levelOf(scalar(pick(o, 'level', body), 'level'), o.levels),
      title: clip(title, MAX_TITLE),
      text: clip(text) ?? '',
      image: img?.image,
      imageNote: img?.note,
      link: httpUrl(scalar(pick(o, 'link', body), 'link')),
      time: eventTime(typeof timeRaw === 'number' ? timeRaw : scalar(timeRaw, 'time'), ctx.clock, ctx.config.timezone),
      to: list(pick(o, 'to', body), 'to'),
      toGroup: list(pick(o, 'to_group', body), 'to_group'),
      dedupKey: clip(scalar(pick(o, 'id', body), 'id'), 200),
      vars: { ...spreadable(body), body: safeVars(body) },
    });
  },
  templates: plainTitles({
    en: { '*': { title: '{{ title }}', text: '{{ text }}' } },
    'zh-CN': { '*': { title: '{{ title }}', text: '{{ text }}' } },
  }),
};

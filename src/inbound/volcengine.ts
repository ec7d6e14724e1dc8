// Volcengine Live (火山引擎 视频直播) callbacks (seeds/003, reference/inbound-formats.md §1).
// Two envelopes are documented: the flat Volcengine body and BytePlus's
// {code, message, data: {…, detail: {…}}}; both are read as `data ?? body`, then `detail ?? data`.
// Only push_start's fields are documented; push_end, record, snapshot and audit_snapshot share the
// common fields and are otherwise read tolerantly. An unknown event_type is shown, never refused.
import * as z from 'zod';
import type { InboundFormat, ParseContext } from './format.js';
import type { Level } from '../notice.js';
import { asObject, bool, clip, eventTime, fields, httpUrl, humanDuration, MAX_TITLE, num, readOptions, safeVars, spreadable, str, wording, bounded, own } from './lenient.js';
import { verifyVolcSign, type VolcSignPolicy } from './volcengine-sign.js';
import { plainTitles } from './plain-titles.js';

const options = z.strictObject({
  /** AuthKeyPrimary and AuthKeySecond (and any more, for rotation). */
  keys: z.array(z.string().min(1)).optional(),
  signTime: z.enum(['expiry', 'sent']).default('expiry'),
  signWindow: z.number().int().positive().default(600),
  clockSkew: z.number().int().min(0).default(30),
});
type Options = z.output<typeof options>;

const fieldsSchema = z.looseObject({
  vhost: str,
  domain: str,
  app: str,
  stream: str,
  event_type: str,
  time: num,
  time_ms: num,
  transcoded: bool,
  fp_client_ip: str,
  fp_node_ip: str,
  session_id: str,
  sequence_id: str,
  backup_count: str,
  // record / snapshot / audit: names not documented; these are the likely ones.
  url: str,
  file_name: str,
  duration: num,
  status: str,
  reason: str,
  snapshot_url: str,
  pic_url: str,
  result: str,
  suggestion: str,
});

const NAMES: Record<string, { en: string; zh: string; level: Level }> = {
  push_start: { en: 'Stream started', zh: '推流开始', level: 'info' },
  push: { en: 'Stream started', zh: '推流开始', level: 'info' },
  push_end: { en: 'Stream ended', zh: '推流结束', level: 'info' },
  record: { en: 'Recording', zh: '录制', level: 'success' },
  snapshot: { en: 'Snapshot', zh: '截图', level: 'info' },
  audit_snapshot: { en: 'Snapshot audit', zh: '截图审核', level: 'warning' },
};

/** The event's fields, wherever the envelope put them (flat, data, data.detail). */
function flatten(body: Record<string, unknown>): Record<string, unknown> {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  const d = isObj(body.data) ? body.data : body;
  const det = isObj(d.detail) ? d.detail : {};
  return { ...d, ...det };
}

function signPolicy(ctx: ParseContext): VolcSignPolicy {
  const o = readOptions<Options>(options, ctx.config);
  return { keys: o.keys ?? [], signTime: o.signTime, signWindow: o.signWindow, clockSkew: o.clockSkew };
}

export const volcengine: InboundFormat<Options> = {
  name: 'volcengine',
  options,
  // "Success means HTTP 200": any other status is a failure that Volcengine retries (§1.1).
  acceptedStatus: 200,
  authenticate(body, ctx) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
    const f = flatten(body as Record<string, unknown>);
    // SecHandlerType `param` puts sign and t in the URL instead of the body.
    const q = (k: string) => (Array.isArray(ctx.query[k]) ? ctx.query[k][0] : ctx.query[k]);
    const inBody = f.sign !== undefined && f.sign !== null;
    return verifyVolcSign(inBody ? f.sign : q('sign'), inBody ? f.t : q('t'), signPolicy(ctx), ctx.clock.now());
  },
  parse(body, ctx) {
    const flat = flatten(asObject(body));
    const f = fieldsSchema.parse(flat);
    const type = f.event_type || 'callback';
    const name = own(NAMES, type) ?? { en: `Live callback: ${type}`, zh: `直播回调：${type}`, level: 'info' as Level };
    const failed = /fail|error|失败/i.test(`${f.status ?? ''} ${f.reason ?? ''}`);
    const level: Level = failed ? 'error' : name.level;
    const zh = ctx.config.locale === 'zh-CN';
    const w = wording(ctx.config);
    const stream = [f.app, f.stream].filter(Boolean).join('/');
    const time = f.time_ms !== undefined ? f.time_ms : f.time !== undefined && f.time > 0 ? f.time * 1000 : undefined;
    const image = httpUrl(f.snapshot_url ?? f.pic_url ?? (type.includes('snapshot') ? f.url : undefined));
    const id = f.sequence_id || f.session_id || (stream && time !== undefined ? `${stream}@${time}` : undefined);
    // The signature is checked in authenticate(); it is not for templates or the store's vars.
    const { sign: _s, t: _t, ...rest } = flat;
    return bounded({
      event: type,
      level,
      title: clip(`${zh ? name.zh : name.en}${stream ? ': ' + stream : ''}`, MAX_TITLE),
      // The domain is said once, by the template; text is what only this event tells.
      text: clip([f.reason, f.result].filter(Boolean).join('\n')),
      fields: fields([
        [w('Client IP', '推流端 IP'), f.fp_client_ip],
        [w('Transcoded', '转码流'), f.transcoded ? w('yes', '是') : undefined],
        [w('File', '文件'), f.file_name],
        [w('Duration', '时长'), humanDuration(f.duration, ctx.config.locale)],
        [w('Status', '状态'), f.status],
        [w('Session', '会话'), f.session_id],
      ]),
      image: image ? { url: image } : undefined,
      link: type.includes('snapshot') ? undefined : httpUrl(f.url),
      time: eventTime(time, ctx.clock),
      dedupKey: id ? `${type}:${id}` : undefined,
      vars: {
        ...spreadable(rest),
        data: safeVars(rest),
        event_type: type,
        // Liquid counts '' as true: an empty domain is made absent, so `{% if domain %}` skips it.
        domain: f.domain || undefined,
        label: { en: name.en, zh: name.zh },
        stream_path: stream,
      },
    });
  },
  templates: plainTitles({
    en: {
      push_start: { title: 'Stream started: {{ stream_path }}', text: '**{{ stream }}** is being pushed{% if domain %} to `{{ domain }}`{% endif %}{% if fp_client_ip %} from {{ fp_client_ip }}{% endif %}' },
      push_end: { title: 'Stream ended: {{ stream_path }}', text: '**{{ stream }}** stopped pushing{% if domain %} to `{{ domain }}`{% endif %}' },
      '*': { title: '{{ label.en }}{% if stream_path != "" %}: {{ stream_path }}{% endif %}', text: '`{{ event_type }}`{% if domain %} on `{{ domain }}`{% endif %}{% if text != "" %}\n{{ text }}{% endif %}' },
    },
    'zh-CN': {
      push_start: { title: '推流开始：{{ stream_path }}', text: '**{{ stream }}** 开始推流{% if domain %}到 `{{ domain }}`{% endif %}{% if fp_client_ip %}，来源 {{ fp_client_ip }}{% endif %}' },
      push_end: { title: '推流结束：{{ stream_path }}', text: '**{{ stream }}** 已停止推流{% if domain %}到 `{{ domain }}`{% endif %}' },
      '*': { title: '{{ label.zh }}{% if stream_path != "" %}：{{ stream_path }}{% endif %}', text: '`{{ event_type }}`{% if domain %}（`{{ domain }}`）{% endif %}{% if text != "" %}\n{{ text }}{% endif %}' },
    },
  }),
};

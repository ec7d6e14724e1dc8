// BetterGI's webhook channel (seeds/001, reference/inbound-formats.md §3.1):
//   {send_to, event, result, timestamp, screenshot, message, data}
// At commit 5207fca `result` is the enum's integer (0/1/2) and `timestamp` ISO-8601 with an
// offset; the docs still show "Success" and "yyyy-MM-dd HH:mm:ss". Both are accepted. BetterGI
// sends no id, no token and no signature, and does not retry. Its body carries the event's own
// timestamp, so a hash of the body is an event id: only a copy of the same request (a proxy's
// retry) matches it, never a later notification.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import type { Level } from '../notice.js';
import { imageFromBase64, MAX_IMAGE_BYTES, SCREENSHOT } from './image.js';
import { asObject, bag, clip, eventTime, fields, MAX_TITLE, safeVars, str, bounded, own } from './lenient.js';
import { BETTERGI_EVENTS, BETTERGI_RESULTS } from './bettergi-events.js';
import { plainTitles } from './plain-titles.js';

const schema = z.object({
  send_to: z
    .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
    .nullish()
    .transform((v) => (v == null ? [] : Array.isArray(v) ? v.map(String) : String(v).split(/[,;\s]+/)).filter(Boolean)),
  event: str,
  result: z.union([z.number(), z.string()]).nullish(),
  timestamp: str,
  screenshot: z.string().nullish(),
  message: str,
  data: bag,
});

function resultOf(r: number | string | null | undefined) {
  if (r === null || r === undefined || r === '') return undefined;
  const s = String(r).trim();
  return BETTERGI_RESULTS.find((x) => String(x.code) === s || x.name.toLowerCase() === s.toLowerCase());
}

function levelOf(event: string, result: ReturnType<typeof resultOf>, rawResult: unknown): Level {
  if (/\.error$/.test(event) || /fail|error|失败|错误/i.test(String(rawResult ?? ''))) return 'error';
  if (result?.level === 'error' || result?.level === 'warning') return result.level;
  // "started" with result Success is news, not an achievement.
  if (result && /\.(end|reward)$/.test(event)) return 'success';
  return 'info';
}

function titleCase(code: string): string {
  return code.replace(/[._]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

export const bettergi: InboundFormat = {
  name: 'bettergi',
  // A screenshot as big as the image cap, in base64 (4/3 of its bytes), plus the rest of the body:
  // the image cap decides what is left out (with a note), not a bare 413.
  bodyLimit: Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 1024 * 1024,
  parse(body, ctx) {
    const b = schema.parse(asObject(body));
    const event = b.event || 'notify';
    const label = own(BETTERGI_EVENTS, event) ?? { en: titleCase(event), zh: event };
    const result = resultOf(b.result);
    const zh = ctx.config.locale === 'zh-CN';
    const shot = b.screenshot ? imageFromBase64(b.screenshot, MAX_IMAGE_BYTES, SCREENSHOT, ctx.config.locale) : undefined;
    const resultText = result ? (zh ? result.zh : result.en) : b.result != null ? String(b.result) : undefined;
    const dataFields = Object.entries(b.data ?? {}).filter(([, v]) => v === null || typeof v !== 'object').slice(0, 10);
    return bounded({
      event,
      level: levelOf(event, result, b.result),
      title: clip(zh ? label.zh : label.en, MAX_TITLE),
      text: clip(b.message) ?? '',
      fields: fields([[zh ? '结果' : 'Result', resultText], ...dataFields]),
      image: shot?.image,
      imageNote: shot?.note,
      time: eventTime(b.timestamp, ctx.clock, ctx.config.timezone),
      to: b.send_to.length ? b.send_to : undefined,
      dedupKey: b.timestamp ? 'sha256:' + createHash('sha256').update(ctx.raw).digest('hex') : undefined,
      vars: {
        label,
        result: result?.name ?? (b.result != null ? String(b.result) : ''),
        result_code: result?.code,
        result_label: result ? { en: result.en, zh: result.zh } : undefined,
        timestamp: b.timestamp ?? '',
        message: clip(b.message) || undefined,
        send_to: b.send_to.join(','),
        data: safeVars(b.data ?? {}),
        has_screenshot: Boolean(shot?.image),
      },
    });
  },
  events: Object.keys(BETTERGI_EVENTS),
  templates: plainTitles({
    en: {
      'notify.test': { title: 'BetterGI: Test notification', text: 'The BetterGI webhook reaches this chat.{% if message %}\n{{ message }}{% endif %}' },
      'task.error': { title: 'BetterGI: {{ label.en }}', text: '{% if message %}`{{ message }}`{% else %}{{ label.en }}{% endif %}' },
      '*': { title: 'BetterGI: {{ label.en }}', text: '{% if message %}{{ message }}{% endif %}' },
    },
    'zh-CN': {
      'notify.test': { title: 'BetterGI：测试通知', text: 'BetterGI 的 Webhook 已能送达本聊天。{% if message %}\n{{ message }}{% endif %}' },
      'task.error': { title: 'BetterGI：{{ label.zh }}', text: '{% if message %}`{{ message }}`{% else %}{{ label.zh }}{% endif %}' },
      '*': { title: 'BetterGI：{{ label.zh }}', text: '{% if message %}{{ message }}{% endif %}' },
    },
  }),
};

// Apprise's json:// (and jsons://) notifications, unchanged (caronc/apprise, NotifyJSON.send in
// apprise/plugins/custom_json.py): {version: "1.0", title, message, type, attachments}, where
// `type` is info | success | warning | failure and each attachment is {filename, base64, mimetype}.
// `attachments` is always present, [] when there are none. Apprise's `:key=value` URL arguments add
// or rename body keys, so a renamed field is simply absent here and extra keys reach the templates.
// Apprise sends no id and no time, so nothing is deduplicated.
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import { PayloadError } from './format.js';
import type { ImageRef, Level } from '../notice.js';
import { imageFromBase64, MAX_IMAGE_BYTES } from './image.js';
import { asObject, bounded, clip, eventTime, fields, httpUrl, MAX_TITLE, spreadable, str, wording } from './lenient.js';
import { plainTitles } from './plain-titles.js';

const LEVELS: Record<string, Level> = { info: 'info', success: 'success', warning: 'warning', failure: 'error' };

// Apprise sends base64 attachments; a URL form ({url} or a bare string) is read too, for the
// scripts that post the same shape themselves.
const attachment = z.union([
  z.string(),
  z.looseObject({ filename: str, base64: str, mimetype: str, url: str, name: str }),
]);

const schema = z.object({
  version: str,
  title: str,
  message: str,
  body: str,
  type: str,
  attachments: z
    .array(attachment, { error: 'must be a list of {filename, base64, mimetype}' })
    .nullish()
    .transform((v) => v ?? []),
});

type Attachment = z.output<typeof attachment>;

const nameOf = (a: Attachment, i: number) => (typeof a === 'string' ? a.split('/').pop() || `file${i + 1}` : (a.filename ?? a.name ?? `file${String(i + 1).padStart(3, '0')}.dat`));
const isImage = (a: Attachment) =>
  typeof a === 'string' ? /\.(png|jpe?g|webp|gif)(\?|$)/i.test(a) : a.mimetype ? a.mimetype.toLowerCase().startsWith('image/') : /\.(png|jpe?g|webp|gif)$/i.test(a.filename ?? a.name ?? a.url ?? '');

/** The first image attachment as the notice's image; a note when it could not be used. */
function firstImage(list: Attachment[], locale: string | undefined): { image?: ImageRef; note?: string; index?: number } {
  const what = { en: 'the attached image', zh: '附带的图片' };
  for (const [i, a] of list.entries()) {
    if (!isImage(a)) continue;
    if (typeof a === 'string') {
      const url = httpUrl(a);
      if (url) return { image: { url }, index: i };
      continue;
    }
    if (a.base64) return { ...imageFromBase64(a.base64, MAX_IMAGE_BYTES, what, locale), index: i };
    const url = httpUrl(a.url);
    if (url) return { image: { url }, index: i };
  }
  return {};
}

export const apprise: InboundFormat = {
  name: 'apprise',
  // Attachments come inline as base64, like BetterGI's screenshots.
  bodyLimit: Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 1024 * 1024,
  parse(body, ctx) {
    const raw = asObject(body);
    const b = schema.parse(raw);
    const w = wording(ctx.config);
    const type = (b.type ?? 'info').trim().toLowerCase() || 'info';
    const text = b.message ?? b.body;
    const img = firstImage(b.attachments, ctx.config.locale);
    if (!b.title && !text && b.attachments.length === 0) throw new PayloadError('nothing to send: title and message are empty and there are no attachments: give a message');
    // The image is shown; every other attachment is named, so nothing is silently dropped.
    const others = b.attachments.filter((_, i) => i !== img.index || !img.image).map((a, i) => nameOf(a, i));
    return bounded({
      event: type.slice(0, 100),
      level: LEVELS[type] ?? 'info',
      title: clip(b.title || undefined, MAX_TITLE),
      text: clip(text) ?? '',
      fields: fields([[w('Attachments', '附件'), others.length ? others.slice(0, 20).join(', ') + (others.length > 20 ? ` (+${others.length - 20})` : '') : undefined]]),
      image: img.image,
      imageNote: img.note,
      time: eventTime(undefined, ctx.clock),
      vars: { ...spreadable(raw), attachments: b.attachments.map((a, i) => nameOf(a, i)), type, version: b.version },
    });
  },
  templates: plainTitles({
    en: { '*': { title: '{{ title }}', text: '{{ text }}' } },
    'zh-CN': { '*': { title: '{{ title }}', text: '{{ text }}' } },
  }),
};

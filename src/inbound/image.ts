// Images that senders post inline as base64 (BetterGI screenshots): checked by magic bytes and size.
import type { ImageRef } from '../notice.js';

/** BetterGI sends 1080p JPEG screenshots of up to a few MiB; the platforms take 10 MiB (Telegram photos) or less. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const MAGIC: [string, (b: Buffer) => boolean][] = [
  ['image/png', (b) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47],
  ['image/jpeg', (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/webp', (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'],
  ['image/gif', (b) => b.length > 6 && b.toString('latin1', 0, 4) === 'GIF8'],
];

/** What the note calls the image, per locale. */
export interface ImageName {
  en: string;
  zh: string;
}
export const SCREENSHOT: ImageName = { en: 'the screenshot', zh: '截图' };

/**
 * Decodes a base64 (or data: URL) image. Bad input never fails the notice: it gives a note
 * saying why the image was left out instead, in the source's locale. `what` names the image in that note.
 */
export function imageFromBase64(input: string, maxBytes = MAX_IMAGE_BYTES, what: ImageName = SCREENSHOT, locale?: string): { image?: ImageRef; note?: string } {
  const zh = locale === 'zh-CN';
  const leftOut = (en: string, cn: string) => ({ note: zh ? `${what.zh}${cn}，已略去` : `${what.en} ${en} and was left out` });
  const m = /^data:[^;,]*;base64,/.exec(input);
  const b64 = (m ? input.slice(m[0].length) : input).replace(/\s+/g, '');
  if (b64.length === 0) return {};
  // Size first: it is cheap, and a huge string is refused without scanning it.
  const mib = Math.round(maxBytes / 1048576);
  if (Math.floor((b64.length * 3) / 4) > maxBytes) return leftOut(`was larger than ${mib} MiB`, `超过 ${mib} MiB`);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64) || b64.length % 4 === 1) return leftOut('was not valid base64', '不是有效的 base64');
  const buf = Buffer.from(b64, 'base64');
  const mime = MAGIC.find(([, test]) => test(buf))?.[0];
  if (!mime) return leftOut('was not a PNG, JPEG, WebP or GIF image', '不是 PNG、JPEG、WebP 或 GIF 图片');
  return { image: { base64: buf.toString('base64'), mime } };
}

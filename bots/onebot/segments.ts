// A Message → OneBot message segment arrays (message/segment.md): plain text (QQ has no markup; a
// link is written out after its label), split at a conservative length, then the image in the last
// message — as base64:// for bytes, so QQ needs no route back to hookbot — so it never loses its text.
import type { Message, Span } from '../../src/message.js';
import { splitToFit } from '../../src/render/fit.js';

export interface Segment {
  type: 'text' | 'image' | 'reply';
  data: Record<string, string>;
}

/** Plain text a QQ reader sees: a link's address follows its label. */
export function qqText(spans: Span[]): string {
  return spans
    .map((s) => {
      if (s.kind === 'text' || s.kind === 'code') return s.text;
      if (s.kind !== 'link') return qqText(s.children);
      const label = qqText(s.children);
      return label && label !== s.url ? `${label} (${s.url})` : s.url;
    })
    .join('');
}

/** Title, body, `name: value` lines and the link as one span list. */
export function messageSpans(msg: Message): Span[] {
  const blocks: Span[][] = [];
  if (msg.title) blocks.push([{ kind: 'text', text: msg.title }]);
  if (msg.body.length) blocks.push(msg.body);
  if (msg.fields.length) blocks.push([{ kind: 'text', text: msg.fields.map((f) => `${f.name}: ${f.value}`).join('\n') }]);
  if (msg.link) blocks.push([{ kind: 'text', text: msg.link }]);
  return blocks.flatMap((b, i) => (i > 0 ? [{ kind: 'text' as const, text: '\n' }, ...b] : b));
}

export function imageSegment(image: NonNullable<Message['image']>): Segment {
  return { type: 'image', data: { file: 'url' in image ? image.url : `base64://${image.data.toString('base64')}` } };
}

/** The messages to send, each a segment array, in order. */
export function toSegments(msg: Message, maxChars: number): Segment[][] {
  const texts = splitToFit(messageSpans(msg), maxChars, qqText).filter((t) => t.trim() !== '');
  const out: Segment[][] = texts.map((text) => [{ type: 'text', data: { text } }]);
  if (msg.image) {
    if (out.length === 0) out.push([]);
    out[out.length - 1]!.push(imageSegment(msg.image));
  }
  return out;
}

// Neutral Message → Telegram HTML (parse_mode HTML, core.telegram.org/bots/api#html-style).
// Only `&`, `<`, `>` need escaping in text, plus `"` inside attribute values; everything is built from
// the markup tree, so a tag is never cut: chunks come from splitSpans and each converts on its own.
import type { Message, Span } from '../../src/message.js';
import { splitSpans } from '../../src/render/markup.js';

/** Telegram limits, in characters after entity parsing (Bot API sendMessage / sendPhoto). */
export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

export function spansToHtml(spans: Span[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escapeHtml(s.text);
        case 'code':
          return `<code>${escapeHtml(s.text)}</code>`;
        case 'bold':
          return `<b>${spansToHtml(s.children)}</b>`;
        case 'italic':
          return `<i>${spansToHtml(s.children)}</i>`;
        case 'link':
          return `<a href="${escapeAttr(s.url)}">${spansToHtml(s.children)}</a>`;
      }
    })
    .join('');
}

/** The whole message as one markup tree: bold title, body, `name: value` lines, the link. */
export function messageSpans(msg: Message, note?: string): Span[] {
  const blocks: Span[][] = [];
  if (msg.title) blocks.push([{ kind: 'bold', children: [{ kind: 'text', text: msg.title }] }]);
  if (msg.body.length) blocks.push(msg.body);
  if (msg.fields.length) {
    const lines: Span[] = [];
    msg.fields.forEach((f, i) => {
      if (i > 0) lines.push({ kind: 'text', text: '\n' });
      lines.push({ kind: 'bold', children: [{ kind: 'text', text: f.name }] }, { kind: 'text', text: ': ' + f.value });
    });
    blocks.push(lines);
  }
  if (msg.link) {
    blocks.push(/^(https?|tg):\/\//i.test(msg.link) ? [{ kind: 'link', url: msg.link, children: [{ kind: 'text', text: msg.link }] }] : [{ kind: 'text', text: msg.link }]);
  }
  if (note) blocks.push([{ kind: 'italic', children: [{ kind: 'text', text: note }] }]);
  const out: Span[] = [];
  blocks.forEach((b, i) => {
    if (i > 0) out.push({ kind: 'text', text: '\n' });
    out.push(...b);
  });
  return out;
}

/** HTML chunks of at most `max` visible characters each; none when the message has no text. */
export function htmlChunks(spans: Span[], max: number): string[] {
  if (spans.length === 0) return [];
  return splitSpans(spans, max).map(spansToHtml);
}

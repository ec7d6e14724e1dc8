// A message's parts after the title, as one run of markup: the body, then the fields as
// "**name**: value" lines, then the link. Robots render it in their own markup and split it.
import type { Message, Span } from '../../src/message.js';

export function contentSpans(msg: Message): Span[] {
  const out: Span[] = [...msg.body];
  const nl = () => {
    if (out.length) out.push({ kind: 'text', text: '\n' });
  };
  if (msg.fields.length) {
    nl();
    msg.fields.forEach((f, i) => {
      out.push({ kind: 'bold', children: [{ kind: 'text', text: f.name }] }, { kind: 'text', text: `: ${f.value}${i < msg.fields.length - 1 ? '\n' : ''}` });
    });
  }
  if (msg.link) {
    nl();
    out.push({ kind: 'link', url: msg.link, children: [{ kind: 'text', text: msg.link }] });
  }
  return out;
}

/** A short plain title for notification previews: the title, else the first line of the body. */
export function previewTitle(msg: Message, plain: string, max = 64): string {
  const t = (msg.title ?? plain.split('\n').find((l) => l.trim()) ?? `${msg.source} ${msg.event}`).trim();
  return [...t].length > max ? [...t].slice(0, max - 1).join('') + '…' : t;
}

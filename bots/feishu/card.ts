// The neutral markup → a Feishu interactive card: a header coloured by level with the title as plain
// text, and a `markdown` element. In card markdown `*`, `_`, `~`, `` ` ``, `[`, `]` and `<at …>`
// mean something, so payload text has them written as HTML character references, which Feishu shows
// as the characters.
import type { Span } from '../../src/message.js';
import type { Level } from '../../src/notice.js';
import { plainText } from '../../src/render/markup.js';

const REF: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escapeCardMarkdown(text: string): string {
  return text.replace(/[&<>*_~`[\]()#\\]/g, (c) => REF[c] ?? `&#${c.charCodeAt(0)};`);
}

export function toCardMarkdown(spans: Span[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escapeCardMarkdown(s.text);
        case 'bold':
          return `**${toCardMarkdown(s.children)}**`;
        case 'italic':
          return `*${toCardMarkdown(s.children)}*`;
        case 'code':
          return /[`\n&<>]/.test(s.text) ? escapeCardMarkdown(s.text) : '`' + s.text + '`';
        case 'link':
          return `[${escapeCardMarkdown(plainText(s.children).trim() || s.url)}](${s.url.replace(/[ ()<>]/g, encodeURIComponent)})`;
      }
    })
    .join('');
}

const TEMPLATE: Record<Level, string> = { info: 'blue', success: 'green', warning: 'orange', error: 'red' };

export function card(title: string | undefined, level: Level, markdown: string, imageKey?: string): Record<string, unknown> {
  const elements: unknown[] = [{ tag: 'markdown', content: markdown || ' ' }];
  if (imageKey) elements.push({ tag: 'img', img_key: imageKey, alt: { tag: 'plain_text', content: '' } });
  return {
    config: { wide_screen_mode: true },
    ...(title ? { header: { title: { tag: 'plain_text', content: title }, template: TEMPLATE[level] } } : {}),
    elements,
  };
}

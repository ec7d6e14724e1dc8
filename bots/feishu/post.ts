// The neutral markup → Feishu `post` rich text: lines of elements, `text` (optionally styled bold or
// italic) and `a` links. Post elements are literal text — Feishu reads no markup or <at> in them —
// so payload text cannot format anything or mention anyone.
import type { Span } from '../../src/message.js';

export type PostElement =
  | { tag: 'text'; text: string; style?: string[] }
  | { tag: 'a'; text: string; href: string; style?: string[] }
  | { tag: 'img'; image_key: string };

export function toPostLines(spans: Span[]): PostElement[][] {
  const lines: PostElement[][] = [[]];
  const emit = (text: string, style: string[], href?: string) => {
    text.split('\n').forEach((piece, i) => {
      if (i > 0) lines.push([]);
      if (!piece) return;
      const s = style.length ? { style: [...new Set(style)] } : {};
      lines[lines.length - 1]!.push(href ? { tag: 'a', text: piece, href, ...s } : { tag: 'text', text: piece, ...s });
    });
  };
  const walk = (list: Span[], style: string[], href?: string) => {
    for (const s of list) {
      if (s.kind === 'text' || s.kind === 'code') emit(s.text, style, href);
      else if (s.kind === 'link') walk(s.children, style, s.url);
      else walk(s.children, [...style, s.kind], href);
    }
  };
  walk(spans, []);
  return lines;
}

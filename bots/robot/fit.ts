// Splits a message so each part, once rendered, fits a platform's limit in BYTES (WeCom's 4096-byte
// markdown is about 1,365 CJK characters; DingTalk and Feishu count bytes too). splitSpans cuts by
// characters at line breaks and keeps formatting whole; a part still too large once escaped and
// encoded is cut again, smaller, until every part fits.
import type { Span } from '../../src/message.js';
import { splitSpans } from '../../src/render/markup.js';

/** `measure` counts a rendered part's size (default: its UTF-8 bytes; DingTalk counts the JSON body). */
export function fitBytes(spans: Span[], render: (part: Span[]) => string, maxBytes: number, measure: (s: string) => number = byteLength): string[] {
  if (maxBytes < 16) throw new Error('fitBytes: maxBytes must be at least 16');
  const out: string[] = [];
  const place = (part: Span[], chars: number) => {
    const text = render(part);
    const size = measure(text);
    if (size <= maxBytes) {
      out.push(text);
      return;
    }
    // Shrink in proportion to the overshoot, and always by at least one character.
    const next = Math.max(1, Math.min(chars - 1, Math.floor((chars * maxBytes) / size * 0.95)));
    const pieces = splitSpans(part, next);
    if (pieces.length === 1 && next === 1) throw new Error('fitBytes: one character renders larger than the limit');
    for (const p of pieces) place(p, next);
  };
  for (const part of splitSpans(spans, maxBytes)) place(part, maxBytes);
  return out.length ? out : [render([])];
}

export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

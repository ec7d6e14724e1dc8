import { describe, expect, it } from 'vitest';
import { parseMarkup, plainText } from '../../src/render/markup.js';
import { splitSpansToFit, splitToFit, utf8Bytes } from '../../src/render/fit.js';
import type { Span } from '../../src/message.js';

// A renderer whose output is longer than the plain text: every & becomes &amp; (5 characters).
const amp = (spans: Span[]) => plainText(spans).replace(/&/g, '&amp;');

describe('splitToFit', () => {
  it.each([
    ['plain text under the limit stays whole', 'hello world', 50, (s: Span[]) => plainText(s), 1],
    ['escapes that overshoot are split smaller', '&'.repeat(100), 50, amp, 10],
    ['bytes are counted when asked (CJK is 3 bytes each)', '录制完成'.repeat(100), 300, (s: Span[]) => plainText(s), 4],
  ])('%s', (_n, text, limit, render, pieces) => {
    const measure = _n.includes('bytes') ? utf8Bytes : undefined;
    const out = splitToFit(parseMarkup(text), limit, render, measure);
    expect(out).toHaveLength(pieces);
    for (const p of out) expect((measure ?? ((t: string) => t.length))(p)).toBeLessThanOrEqual(limit);
  });

  it('loses nothing and keeps the order', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} & more`);
    const pieces = splitSpansToFit(parseMarkup(lines.join('\n')), 120, amp);
    const joined = pieces.map((p) => plainText(p.spans)).join('\n');
    expect(joined.replace(/\s+/g, '')).toBe(lines.join('').replace(/\s+/g, ''));
    for (const p of pieces) expect(p.rendered.length).toBeLessThanOrEqual(120);
  });

  it('gives up on one character that alone renders past the limit, rather than looping', () => {
    expect(splitToFit(parseMarkup('&'), 3, amp)).toEqual(['&amp;']);
  });
});

import { describe, expect, it } from 'vitest';
import { escapeMarkup, parseMarkup, plainText, splitSpans, toMarkup } from '../../../src/render/markup.js';

describe('parseMarkup', () => {
  it.each([
    ['plain', [{ kind: 'text', text: 'plain' }]],
    ['**b**', [{ kind: 'bold', children: [{ kind: 'text', text: 'b' }] }]],
    ['_i_ x', [{ kind: 'italic', children: [{ kind: 'text', text: 'i' }] }, { kind: 'text', text: ' x' }]],
    ['`c*d`', [{ kind: 'code', text: 'c*d' }]],
    ['[a](https://x.y/z)', [{ kind: 'link', url: 'https://x.y/z', children: [{ kind: 'text', text: 'a' }] }]],
    ['snake_case_name', [{ kind: 'text', text: 'snake_case_name' }]],
    ['**unclosed', [{ kind: 'text', text: '**unclosed' }]],
    ['[a](javascript:alert)', [{ kind: 'text', text: '[a](javascript:alert)' }]],
    ['**a _b_**', [{ kind: 'bold', children: [{ kind: 'text', text: 'a ' }, { kind: 'italic', children: [{ kind: 'text', text: 'b' }] }] }]],
  ])('%s', (src, spans) => {
    expect(parseMarkup(src)).toEqual(spans);
  });
});

describe('escapeMarkup', () => {
  it.each(['**not bold**', '_x_', '`x`', '[a](https://evil)', 'back\\slash', 'a*b_c(d)[e]'])('%s comes back verbatim as text', (s) => {
    const spans = parseMarkup(escapeMarkup(s));
    expect(spans).toEqual([{ kind: 'text', text: s }]);
  });
  it('round-trips through toMarkup', () => {
    const src = '**bold** and _it_ `co\\`de` [l](https://a.b) \\*';
    expect(parseMarkup(toMarkup(parseMarkup(src)))).toEqual(parseMarkup(src));
  });
});

describe('splitSpans', () => {
  it('keeps each chunk within the limit and loses no text', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i} ` + 'x'.repeat(i % 17)).join('\n');
    const chunks = splitSpans(parseMarkup(text), 100);
    for (const c of chunks) expect(plainText(c).length).toBeLessThanOrEqual(100);
    expect(chunks.map(plainText).join('\n')).toBe(text);
  });
  it('cuts at line breaks when it can', () => {
    const chunks = splitSpans(parseMarkup('aaaa\nbbbb\ncccc'), 10);
    expect(chunks.map(plainText)).toEqual(['aaaa\nbbbb', 'cccc']);
  });
  it('closes and reopens formatting across a cut', () => {
    const chunks = splitSpans(parseMarkup('**' + 'a'.repeat(8) + ' ' + 'b'.repeat(8) + '**'), 10);
    expect(chunks).toHaveLength(2);
    for (const c of chunks) expect(c[0]!.kind).toBe('bold');
  });
  it('never splits a surrogate pair', () => {
    const chunks = splitSpans([{ kind: 'text', text: '😀'.repeat(10) }], 5);
    for (const c of chunks) expect(plainText(c)).not.toMatch(/[\ud800-\udbff]$/);
    expect(chunks.map(plainText).join('')).toBe('😀'.repeat(10));
  });
});

describe('splitSpans line breaks across spans', () => {
  it('ends a chunk at the last line break even when formatting follows it', () => {
    const src = 'first line here\nsecond **bold part that is long**';
    const chunks = splitSpans(parseMarkup(src), 30);
    expect(plainText(chunks[0]!)).toBe('first line here');
    expect(plainText(chunks[1]!)).toBe('second bold part that is long');
  });
});

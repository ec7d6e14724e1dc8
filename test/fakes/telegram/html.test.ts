import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from './html.js';

describe('the fake parses Telegram HTML like the Bot API', () => {
  const ok: [string, string, string, { type: string; offset: number; length: number; url?: string }[]][] = [
    ['plain text', 'hello', 'hello', []],
    ['bold and italic', '<b>a</b> <i>b</i>', 'a b', [{ type: 'bold', offset: 0, length: 1 }, { type: 'italic', offset: 2, length: 1 }]],
    ['aliases strong/em', '<strong>a</strong><em>b</em>', 'ab', [{ type: 'bold', offset: 0, length: 1 }, { type: 'italic', offset: 1, length: 1 }]],
    ['named entities', '&lt;x&gt; &amp; &quot;', '<x> & "', []],
    ['numeric entities', '&#65;&#x42;', 'AB', []],
    ['a bare > is accepted', 'a > b', 'a > b', []],
    ['link', '<a href="https://x.y/?a=1&amp;b=2">x</a>', 'x', [{ type: 'text_link', offset: 0, length: 1, url: 'https://x.y/?a=1&b=2' }]],
    ['nested', '<b><i>x</i></b>', 'x', [{ type: 'bold', offset: 0, length: 1 }, { type: 'italic', offset: 0, length: 1 }]],
    ['offsets count UTF-16 units', '😀<b>x</b>', '😀x', [{ type: 'bold', offset: 2, length: 1 }]],
    ['code keeps text', '<code>a &lt; b</code>', 'a < b', [{ type: 'code', offset: 0, length: 5 }]],
    ['spoiler span', '<span class="tg-spoiler">s</span>', 's', [{ type: 'spoiler', offset: 0, length: 1 }]],
  ];
  it.each(ok)('%s', (_name, html, text, entities) => {
    const got = parseTelegramHtml(html);
    expect(got.text).toBe(text);
    expect(got.entities).toEqual(entities);
  });

  const bad: [string, string, RegExp][] = [
    ['a bare <', 'a < b', /Unclosed start tag/],
    ['a bare < before a >', '1 < 2 > 0', /Unsupported start tag ""/],
    ['a bare &', 'Tom & Jerry', /Character '&' is reserved/],
    ['an unknown entity', '&nbsp;', /Character '&' is reserved/],
    ['an unknown tag', '<div>x</div>', /Unsupported start tag "div"/],
    ['an unclosed tag', '<b>x', /Can't find end tag corresponding to start tag "b"/],
    ['crossed tags', '<b><i>x</b></i>', /Unmatched end tag .* expected "<\/i>", found "<\/b>"/],
    ['a stray end tag', 'x</b>', /Unexpected end tag/],
    ['a tag without >', '<b', /Unclosed start tag/],
    ['span without spoiler class', '<span>x</span>', /span/],
  ];
  it.each(bad)('rejects %s', (_name, html, re) => {
    expect(() => parseTelegramHtml(html)).toThrow(/^Bad Request: can't parse entities: /);
    expect(() => parseTelegramHtml(html)).toThrow(re);
  });
});

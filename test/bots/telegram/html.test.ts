import { describe, expect, it } from 'vitest';
import { CAPTION_MAX, TEXT_MAX, escapeHtml, htmlChunks, messageSpans, spansToHtml } from '../../../bots/telegram/html.js';
import { parseMarkup, plainText } from '../../../src/render/markup.js';
import { parseTelegramHtml } from '../../fakes/telegram/html.js';
import { message } from './helpers.js';

describe('neutral markup → Telegram HTML', () => {
  it.each([
    ['plain', 'hello', 'hello'],
    ['escapes & < >', 'a < b & c > d', 'a &lt; b &amp; c &gt; d'],
    ['leaves quotes in text', 'say "hi"', 'say "hi"'],
    ['bold', '**x**', '<b>x</b>'],
    ['italic', '_x_', '<i>x</i>'],
    ['code, escaped inside', '`a<b`', '<code>a&lt;b</code>'],
    ['link with & and " in the URL', '[go](https://e.x/?a=1&b="2")', '<a href="https://e.x/?a=1&amp;b=&quot;2&quot;">go</a>'],
    ['nested', '**bold _and italic_**', '<b>bold <i>and italic</i></b>'],
    ['escaped markup stays text', '\\*\\*not bold\\*\\*', '**not bold**'],
    ['html in the source is text', '<b>x</b>', '&lt;b&gt;x&lt;/b&gt;'],
  ])('%s', (_name, src, html) => {
    const out = spansToHtml(parseMarkup(src));
    expect(out).toBe(html);
    // …and the fake (like Telegram) reads it back as the same visible text.
    expect(parseTelegramHtml(out).text).toBe(plainText(parseMarkup(src)));
  });

  it('escapeHtml escapes exactly & < >', () => {
    expect(escapeHtml(`&<>"'`)).toBe(`&amp;&lt;&gt;"'`);
  });
});

describe('a Message as Telegram HTML', () => {
  it('has a bold title, the body, name: value fields and the link, one per line', () => {
    const msg = message({
      title: 'Deploy <prod>',
      text: 'build **ok** in `3s`',
      fields: [
        { name: 'host', value: 'a&b' },
        { name: 'took', value: '3s' },
      ],
      link: 'https://ci.example/1',
    });
    const [html, ...rest] = htmlChunks(messageSpans(msg), TEXT_MAX);
    expect(rest).toEqual([]);
    expect(html).toBe(
      '<b>Deploy &lt;prod&gt;</b>\nbuild <b>ok</b> in <code>3s</code>\n<b>host</b>: a&amp;b\n<b>took</b>: 3s\n<a href="https://ci.example/1">https://ci.example/1</a>',
    );
  });

  it('has no text at all when the message is empty', () => {
    expect(htmlChunks(messageSpans(message()), TEXT_MAX)).toEqual([]);
  });

  it.each([
    ['a long line', 'word '.repeat(3000), TEXT_MAX],
    ['many lines', Array.from({ length: 900 }, (_, i) => `line ${i} & <stuff>`).join('\n'), TEXT_MAX],
    ['bold across the cut', '**' + 'bold & <b> '.repeat(1200) + '**', TEXT_MAX],
    ['links across the cut', Array.from({ length: 400 }, (_, i) => `[link ${i} & more](https://e.x/${i})`).join(' '), CAPTION_MAX],
    ['emoji', '😀'.repeat(5000), TEXT_MAX],
  ])('splits %s into valid chunks under the limit without losing text', (_name, src, max) => {
    const spans = parseMarkup(src);
    const chunks = htmlChunks(spans, max);
    expect(chunks.length).toBeGreaterThan(1);
    const visible = chunks.map((c) => {
      const parsed = parseTelegramHtml(c); // throws on a cut tag or a cut entity
      expect([...parsed.text].length).toBeLessThanOrEqual(max);
      return parsed.text;
    });
    const squash = (s: string) => s.replace(/\s+/g, '');
    expect(squash(visible.join(''))).toBe(squash(plainText(spans)));
  });
});

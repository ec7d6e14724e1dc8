import { describe, expect, it } from 'vitest';
import { parseMarkup, escapeMarkup } from '../../../src/render/markup.js';
import { escapeDiscord, toDiscordMarkdown } from '../../../bots/discord/markdown.js';

describe('Discord markdown', () => {
  it.each([
    ['**bold** and _it_', '**bold** and *it*'],
    ['`a_b*c`', '`a_b*c`'],
    ['[docs](https://example.com/a_b)', '[docs](<https://example.com/a_b>)'],
    ['**[x](https://e.com)**', '**[x](<https://e.com>)**'],
    ['line1\nline2', 'line1\nline2'],
  ])('renders %j as %j', (src, out) => {
    expect(toDiscordMarkdown(parseMarkup(src))).toBe(out);
  });

  it.each([
    ['*not bold*', '\\*not bold\\*'],
    ['__u__ ~~s~~ ||spoiler||', '\\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\|'],
    ['# heading', '\\# heading'],
    ['> quote', '\\> quote'],
    ['-# subtext', '\\-# subtext'],
    ['[click](https://evil.example)', '\\[click\\](https://evil.example)'],
    ['back\\slash', 'back\\\\slash'],
    ['`tick`', '\\`tick\\`'],
    ['see https://x.example/a_b*c and a_b', 'see https://x.example/a_b*c and a\\_b'],
    ['* item\n- item\n1. item', '\\* item\n\\- item\n1\\. item'],
  ])('escapes payload text %j so it shows verbatim', (text, out) => {
    expect(escapeDiscord(text)).toBe(out);
    // Through the neutral markup too: a template value is escapeMarkup'd, then rendered.
    expect(toDiscordMarkdown(parseMarkup(escapeMarkup(text)))).toBe(out);
  });

  it('keeps a backtick inside inline code from closing it', () => {
    expect(toDiscordMarkdown([{ kind: 'code', text: 'a`b' }])).toBe('`` a`b ``');
    expect(toDiscordMarkdown([{ kind: 'code', text: 'a``b' }])).not.toContain('``b');
  });
});

describe('Discord embed text limits', () => {
  it.each([
    ['a plain long title', 'x'.repeat(10_000)],
    ['a title of characters that all need escaping', '*_'.repeat(5_000)],
    ['a title of emoji', '😀'.repeat(3_000)],
  ])('clips %s to the limit with an ellipsis', async (_n, title) => {
    const { clip } = await import('../../../bots/discord/embeds.js');
    const out = clip(title, 256);
    expect(out.length).toBeLessThanOrEqual(256);
    expect(out.length).toBeGreaterThan(120);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toMatch(/[\uD800-\uDBFF]…$/);
  });
});

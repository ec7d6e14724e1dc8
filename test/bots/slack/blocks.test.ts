import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, slackPosts } from '../../../bots/slack/blocks.js';
import { parseMarkup } from '../../../src/render/markup.js';
import { blockTexts, validateBlocks } from '../../fakes/slack/blocks.js';
import { message } from './harness.js';

const allValid = (posts: ReturnType<typeof slackPosts>) => {
  for (const p of posts) expect(validateBlocks(p.blocks)).toEqual([]);
};

describe('Slack Block Kit layout', () => {
  it('keeps sections within 3000 characters after escaping expands the text', () => {
    const posts = slackPosts(message({ body: parseMarkup('&'.repeat(4000)) }));
    allValid(posts);
    const texts = posts.flatMap((p) => p.blocks.filter((b) => b.type === 'section').map((b) => (b.text as { text: string }).text));
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(texts.join('')).toBe('&amp;'.repeat(4000));
  });

  it('groups fields ten to a section and gives an over-long field its own section', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, value: `v${i}` }));
    fields.push({ name: 'log', value: 'L'.repeat(2500) });
    const [post] = slackPosts(message({ fields }));
    allValid([post!]);
    const sectionsWithFields = post!.blocks.filter((b) => b.fields);
    expect(sectionsWithFields.map((b) => (b.fields as unknown[]).length)).toEqual([10, 2]);
    const long = post!.blocks.find((b) => (b.text as { text?: string } | undefined)?.text?.startsWith('*log*'));
    expect((long!.text as { text: string }).text).toBe('*log*\n' + 'L'.repeat(2500));
  });

  it('never puts more than 50 blocks in one message', () => {
    const fields = Array.from({ length: 700 }, (_, i) => ({ name: `n${i}`, value: 'x' }));
    const posts = slackPosts(message({ title: 'Many', fields }));
    allValid(posts);
    expect(posts.length).toBeGreaterThan(1);
    expect(posts.flatMap((p) => p.blocks.flatMap((b) => (b.fields as unknown[]) ?? [])).length).toBe(700);
    expect(posts[0]!.blocks[0]!.type).toBe('header');
    expect(posts.filter((p) => p.blocks.some((b) => b.type === 'header'))).toHaveLength(1);
    expect(posts.filter((p) => p.blocks.some((b) => b.type === 'context'))).toHaveLength(1);
  });

  it('keeps the fallback text short and escaped, and shows the link and image', () => {
    const [post] = slackPosts(
      message({ title: 'A <b>', body: parseMarkup('x'.repeat(5000)), link: 'https://e.com/a?b=1&c=2', image: { url: 'https://e.com/i.png' } }),
    );
    expect(post!.text.startsWith('A &lt;b&gt;')).toBe(true);
    expect(post!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackChars + 10);
    expect(blockTexts(post!.blocks)).toContain(':link: <https://e.com/a?b=1&amp;c=2>');
    expect(post!.blocks.find((b) => b.type === 'image')).toEqual({ type: 'image', image_url: 'https://e.com/i.png', alt_text: 'A <b>' });
  });

  it.each([
    ['info', ':information_source:'],
    ['warning', ':warning:'],
    ['error', ':rotating_light:'],
  ] as const)('marks level %s in the context line', (level, emoji) => {
    const [post] = slackPosts(message({ level, time: 'not a time' }));
    expect(blockTexts(post!.blocks).at(-1)).toBe(`${emoji} not a time · report · report`);
  });
});

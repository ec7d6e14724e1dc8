import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/bot.js';
import { parseMarkup } from '../../../src/render/markup.js';
import { LIMITS, blockTexts, validateBlocks } from '../../fakes/slack/blocks.js';
import { slackPosts } from '../../../bots/slack/blocks.js';
import { ctx, message, slackHarness } from './harness.js';

let h: Awaited<ReturnType<typeof slackHarness>>;
afterEach(async () => h?.close());

describe('Slack delivery against the fake', () => {
  it('sends a notice as Block Kit with a plain-text fallback', async () => {
    h = await slackHarness();
    const res = await h.bot.send(
      { chat: 'C0OPS', kind: 'group' },
      message({
        title: 'Backup finished',
        body: parseMarkup('**db1** took _4 min_ with `pg_dump` <fast> & [logs](https://example.com/l?a=1&b=2)'),
        fields: [{ name: 'Host', value: 'db1 <primary>' }],
        image: { url: 'https://example.com/chart.png' },
        level: 'success',
        source: 'backup',
        event: 'done',
      }),
      ctx(),
    );
    expect(h.fake.messages).toHaveLength(1);
    const m = h.fake.messages[0]!;
    expect(res.messageIds).toEqual([m.ts]);
    expect(m.channel).toBe('C0OPS');
    expect(m.blocks!.map((b) => b.type)).toEqual(['header', 'section', 'section', 'image', 'context']);
    expect(m.blocks![0]!.text).toEqual({ type: 'plain_text', text: 'Backup finished', emoji: true });
    expect(m.blocks![1]!.text.text).toBe('*db1* took _4 min_ with `pg_dump` &lt;fast&gt; &amp; <https://example.com/l?a=1&amp;b=2|logs>');
    expect(m.blocks![2]!.fields[0].text).toBe('*Host*\ndb1 &lt;primary&gt;');
    expect(m.blocks![3]).toMatchObject({ image_url: 'https://example.com/chart.png', alt_text: 'Backup finished' });
    expect(m.blocks![4]!.elements[0].text).toMatch(/^:white_check_mark: <!date\^1714564800\^\{date_short_pretty\} \{time\}\|2024-05-01T12:00:00Z> · backup · done$/);
    expect(m.text).toBe('Backup finished\ndb1 took 4 min with pg_dump &lt;fast&gt; &amp; logs\nHost: db1 &lt;primary&gt;');
  });

  it('sends the notice with the image as a link when Slack cannot download the image URL', async () => {
    h = await slackHarness();
    h.fake.unreachableImages.add('https://private.example/cover.jpg');
    const res = await h.bot.send(
      { chat: 'C0OPS', kind: 'group' },
      message({ title: 'Live', body: parseMarkup('on air'), image: { url: 'https://private.example/cover.jpg' } }),
      ctx(),
    );
    expect(h.fake.requests.filter((r) => r.method === 'chat.postMessage')).toHaveLength(2);
    const m = h.fake.messages[0]!;
    expect(res.messageIds).toEqual([m.ts]);
    expect(m.blocks!.some((b) => b.type === 'image')).toBe(false);
    expect(blockTexts(m.blocks!)).toContain('on air');
    expect(blockTexts(m.blocks!)).toContain(':frame_with_picture: <https://private.example/cover.jpg|image>');
  });

  it('names the offending block when Slack refuses blocks for another reason', async () => {
    h = await slackHarness();
    h.fake.failNext('chat.postMessage', { error: 'invalid_blocks', errors: ['must be less than 3001 characters [json-pointer:/blocks/1/text/text]'] });
    const err = await h.bot.send({ chat: 'C0OPS', kind: 'group' }, message({ body: parseMarkup('x') }), ctx()).catch((e) => e);
    expect(err).toMatchObject({ retryable: false, message: 'slack: invalid_blocks (must be less than 3001 characters [json-pointer:/blocks/1/text/text])' });
    expect(h.fake.requests).toHaveLength(1);
  });

  it('posts into a thread when the target names one', async () => {
    h = await slackHarness();
    await h.bot.send({ chat: 'C0OPS', thread: '1700000000.000100', kind: 'group' }, message({ body: parseMarkup('hi') }), ctx());
    expect(h.fake.messages[0]).toMatchObject({ channel: 'C0OPS', thread_ts: '1700000000.000100' });
  });

  it('splits a long text into sections and messages within Slack limits, losing nothing', async () => {
    h = await slackHarness();
    const line = 'x'.repeat(70) + ' & <y>';
    const text = Array.from({ length: 600 }, (_, i) => `${i} ${line}`).join('\n');
    await h.bot.send({ chat: 'C0OPS', kind: 'group' }, message({ title: 'T'.repeat(200), body: parseMarkup(text) }), ctx());
    const msgs = h.fake.messages;
    expect(msgs.length).toBeGreaterThan(1);
    for (const m of msgs) {
      expect(validateBlocks(m.blocks)).toEqual([]);
      expect(m.blocks!.length).toBeLessThanOrEqual(LIMITS.blocks);
      for (const t of blockTexts(m.blocks!)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
    // Every line arrives once, in order; the long title is kept as a bold section, not cut.
    const all = msgs.flatMap((m) => m.blocks!.filter((b) => b.type === 'section').map((b) => b.text.text as string)).join('\n');
    expect(all.startsWith('*' + 'T'.repeat(200) + '*')).toBe(true);
    const lines = all.split('\n').filter((l) => /^\d+ x/.test(l));
    expect(lines).toHaveLength(600);
    expect(lines[599]).toBe(`599 ${'x'.repeat(70)} &amp; &lt;y&gt;`);
    expect(msgs.at(-1)!.blocks!.at(-1)!.type).toBe('context');
    expect(msgs[0]!.text).toMatch(/\(1\/\d+\)/);
  });

  it('uploads image bytes through the three-step external upload into the channel and thread', async () => {
    h = await slackHarness();
    const data = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const res = await h.bot.send(
      { chat: 'C0OPS', thread: '1700000000.000100', kind: 'group' },
      message({ title: 'Chart', image: { data, mime: 'image/png', filename: 'chart.png' } }),
      ctx(),
    );
    const methods = h.fake.requests.map((r) => r.method);
    expect(methods).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(h.fake.requests[1]!.fields).toMatchObject({ filename: 'chart.png', length: String(data.length) });
    const file = [...h.fake.files.values()][0]!;
    expect(file.data).toEqual(data);
    expect(file.shared).toMatchObject({ channel: 'C0OPS', thread_ts: '1700000000.000100', title: 'Chart' });
    expect(res.messageIds).toEqual([h.fake.messages[0]!.ts, file.id]);
  });

  it('opens a DM for a user target once and reuses it', async () => {
    h = await slackHarness();
    const to = { chat: 'U0ALICE', kind: 'user' as const };
    await Promise.all([h.bot.send(to, message({ body: parseMarkup('one') }), ctx()), h.bot.send(to, message({ body: parseMarkup('two') }), ctx())]);
    await h.bot.send(to, message({ body: parseMarkup('three') }), ctx());
    expect(h.fake.requests.filter((r) => r.method === 'conversations.open')).toHaveLength(1);
    const dm = h.fake.dms.get('U0ALICE');
    expect(h.fake.messages.map((m) => m.channel)).toEqual([dm, dm, dm]);
  });

  it('opens the DM for a user id given as a group target too', async () => {
    h = await slackHarness();
    await h.bot.send({ chat: 'U0ALICE', kind: 'group' }, message({ body: parseMarkup('hi') }), ctx());
    expect(h.fake.messages.map((m) => m.channel)).toEqual([h.fake.dms.get('U0ALICE')]);
  });

  it('turns a 429 into retryAfterMs for that channel only', async () => {
    h = await slackHarness({}, { rateLimit: { perChannelMs: 60_000, retryAfterSeconds: 7 } });
    await h.bot.send({ chat: 'C0ONE', kind: 'group' }, message({ body: parseMarkup('a') }), ctx());
    const err = await h.bot.send({ chat: 'C0ONE', kind: 'group' }, message({ body: parseMarkup('b') }), ctx()).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 7000, unhealthy: false });
    await h.bot.send({ chat: 'C0TWO', kind: 'group' }, message({ body: parseMarkup('c') }), ctx());
    expect(h.fake.messages.map((m) => m.channel)).toEqual(['C0ONE', 'C0TWO']);
    // The web client did not retry on its own: exactly one request per send.
    expect(h.fake.requests.filter((r) => r.method === 'chat.postMessage')).toHaveLength(3);
  });

  it('continues a split message after a failure instead of sending the first part again', async () => {
    h = await slackHarness();
    const msg = message({ title: 'Long', body: parseMarkup(Array.from({ length: 400 }, (_, i) => `${i} ${'y'.repeat(60)}`).join('\n')) });
    const total = slackPosts(msg).length;
    expect(total).toBeGreaterThan(1);
    const c = ctx();
    h.fake.failNext('chat.postMessage', { error: 'internal_error' }, 1);
    const err = await h.bot.send({ chat: 'C0OPS', kind: 'group' }, msg, c).catch((e) => e);
    expect(err).toMatchObject({ retryable: true, message: 'slack: internal_error' });
    expect(h.fake.messages).toHaveLength(1);
    const res = await h.bot.send({ chat: 'C0OPS', kind: 'group' }, msg, c);
    expect(h.fake.messages).toHaveLength(total);
    expect(new Set(h.fake.messages.map((m) => m.text)).size).toBe(total);
    expect(res.messageIds).toEqual(h.fake.messages.map((m) => m.ts));
  });

  it('waits for the channel rate limit between the parts of a split message, and goes on from there', async () => {
    h = await slackHarness();
    const msg = message({ title: 'Long', body: parseMarkup(Array.from({ length: 400 }, (_, i) => `${i} ${'y'.repeat(60)}`).join('\n')) });
    const total = slackPosts(msg).length;
    expect(total).toBeGreaterThan(2);
    // The limiter says the second post must wait 1000 ms, then lets the rest go.
    const answers = [1000];
    const c = { ...ctx(), pace: () => answers.shift() ?? 0 };
    const err = await h.bot.send({ chat: 'C0OPS', kind: 'group' }, msg, c).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 1000 });
    expect(h.fake.messages).toHaveLength(1);
    const res = await h.bot.send({ chat: 'C0OPS', kind: 'group' }, msg, c);
    expect(res.paced).toBe(true);
    expect(h.fake.messages).toHaveLength(total);
    expect(new Set(h.fake.messages.map((m) => m.text)).size).toBe(total);
  });

  it.each([
    ['channel_not_found', { retryable: false, unhealthy: false }],
    ['not_in_channel', { retryable: false, unhealthy: false }],
    ['is_archived', { retryable: false, unhealthy: false }],
    ['invalid_auth', { retryable: true, unhealthy: true }],
    ['token_revoked', { retryable: true, unhealthy: true }],
    ['internal_error', { retryable: true, unhealthy: false }],
  ])('maps %s to a DeliveryError with the reason', async (error, expected) => {
    h = await slackHarness();
    h.fake.failNext('chat.postMessage', { error });
    const err = await h.bot.send({ chat: 'C0OPS', kind: 'group' }, message({ body: parseMarkup('x') }), ctx()).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ ...expected, message: `slack: ${error}` });
    if (expected.unhealthy) expect(h.bot.health()).toMatchObject({ state: 'unhealthy', reason: `slack: ${error}` });
  });

  it.each([
    ['archived', 'is_archived'],
    ['not_member', 'not_in_channel'],
    ['missing', 'channel_not_found'],
  ] as const)('dead-letters a channel that is %s', async (state, error) => {
    h = await slackHarness();
    h.fake.setChannel('C0GONE', state);
    const err = await h.bot.send({ chat: 'C0GONE', kind: 'group' }, message({ body: parseMarkup('x') }), ctx()).catch((e) => e);
    expect(err).toMatchObject({ retryable: false, message: `slack: ${error}` });
  });

  it('treats a 5xx and a refused connection as retryable, with no token in the reason', async () => {
    h = await slackHarness();
    h.fake.failNext('chat.postMessage', { status: 503 });
    const e5 = await h.bot.send({ chat: 'C0OPS', kind: 'group' }, message({ body: parseMarkup('x') }), ctx()).catch((e) => e);
    expect(e5).toMatchObject({ retryable: true, unhealthy: false, message: 'slack: HTTP 503' });
    await h.fake.stop();
    const eNet = await h.bot.send({ chat: 'C0OPS', kind: 'group' }, message({ body: parseMarkup('x') }), ctx()).catch((e) => e);
    expect(eNet).toMatchObject({ retryable: true, unhealthy: false });
    expect(eNet.message).toMatch(/^slack: request failed/);
    expect(eNet.message).not.toContain(h.fake.botToken);
    expect(h.logs()).not.toContain(h.fake.botToken);
  });
});

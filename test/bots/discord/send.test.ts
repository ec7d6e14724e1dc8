// The adapter's delivery path against the fake Discord, with the real @discordjs/rest client.
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/bot.js';
import { parseMarkup } from '../../../src/render/markup.js';
import { LEVEL_COLORS } from '../../../bots/discord/embeds.js';
import type { DiscordBot } from '../../../bots/discord/discord.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { embedChars } from '../../fakes/discord/limits.js';
import { ctx, makeBot, message } from './harness.js';

const CH = '400000000000000001';
const CH2 = '400000000000000002';
let fake: FakeDiscord;
let bot: DiscordBot;
let logs: () => string;
beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
  ({ bot, logs } = makeBot(fake));
});
afterEach(async () => {
  await bot.stop();
  await fake.stop();
});

const group = (chat: string, thread?: string) => ({ chat, thread, kind: 'group' as const });

describe('Discord delivery', () => {
  it('sends a notice as one embed with title, fields, colour, timestamp and footer', async () => {
    const res = await bot.send(
      group(CH),
      message({ title: 'Build *failed*', body: parseMarkup('**main** broke: `npm test`'), level: 'error', link: 'https://ci.example/1', fields: [{ name: 'Branch', value: 'main' }, { name: 'Log', value: 'a_b' }] }),
      ctx(),
    );
    const [m] = fake.sent(CH);
    expect(res.messageIds).toEqual([m!.id]);
    const e = m!.embeds[0];
    expect(e.title).toBe('Build \\*failed\\*');
    expect(e.url).toBe('https://ci.example/1');
    expect(e.description).toBe('**main** broke: `npm test`');
    expect(e.color).toBe(LEVEL_COLORS.error);
    expect(e.fields).toEqual([{ name: 'Branch', value: 'main', inline: true }, { name: 'Log', value: 'a\\_b', inline: true }]);
    expect(e.timestamp).toBe('2024-05-01T12:00:00.000Z');
    expect(e.footer.text).toBe('src · ev');
    expect(m!.allowed_mentions).toEqual({ parse: [] });
    expect(m!.nonce).toBe('d-1');
  });

  it.each([['info'], ['success'], ['warning'], ['error']] as const)('colours a %s notice', async (level) => {
    await bot.send(group(CH), message({ level }), ctx());
    expect(fake.sent(CH)[0]!.embeds[0].color).toBe(LEVEL_COLORS[level]);
  });

  it('uploads image bytes as an attachment shown in the embed', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await bot.send(group(CH), message({ title: 'Screenshot', image: { data: png, mime: 'image/png', filename: 'screen shot.png' } }), ctx());
    const [m] = fake.sent(CH);
    expect(m!.attachments).toHaveLength(1);
    expect(m!.attachments[0]!.filename).toBe('screen_shot.png');
    expect(m!.attachments[0]!.data.equals(png)).toBe(true);
    expect(m!.embeds[0].image.url).toBe(m!.attachments[0]!.url);
  });

  it('puts an image URL straight into the embed', async () => {
    await bot.send(group(CH), message({ image: { url: 'https://img.example/a.png' } }), ctx());
    const [m] = fake.sent(CH);
    expect(m!.attachments).toHaveLength(0);
    expect(m!.embeds[0].image.url).toBe('https://img.example/a.png');
  });

  it('splits a long text and many long fields into several messages within the limits', async () => {
    const para = 'Lorem ipsum *dolor* sit amet, [consectetur] adipiscing_elit. '.repeat(40);
    const body = parseMarkup(Array.from({ length: 12 }, (_, i) => `**Part ${i}** ` + para.replace(/[*_[\]]/g, '\\$&')).join('\n'));
    const fields = Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(900 + i * 10) }));
    const res = await bot.send(group(CH), message({ title: 'Long', body, fields }), ctx('long-key'));
    const sent = fake.sent(CH);
    expect(sent.length).toBeGreaterThan(3);
    expect(res.messageIds).toHaveLength(sent.length);
    for (const m of sent) {
      expect(m.embeds.length).toBeLessThanOrEqual(10);
      expect(embedChars(m.embeds)).toBeLessThanOrEqual(6000);
      for (const e of m.embeds) expect((e.description ?? '').length).toBeLessThanOrEqual(4096);
    }
    // Nothing lost: every part and every field arrived, in order.
    const text = sent.flatMap((m) => m.embeds.map((e: any) => e.description ?? '')).join('\n');
    for (let i = 0; i < 12; i++) expect(text).toContain(`**Part ${i}**`);
    const names = sent.flatMap((m) => m.embeds.flatMap((e: any) => (e.fields ?? []).map((f: any) => f.name)));
    expect(names.filter((n: string) => !n.includes('('))).toEqual(fields.map((f) => f.name));
    // Distinct nonces per part, so enforce_nonce dedups a re-send part by part.
    expect(new Set(sent.map((m) => m.nonce)).size).toBe(sent.length);
  });

  it('leaves no abort listeners behind on the delivery signal, however many messages a notice takes', async () => {
    const ac = new AbortController();
    const fields = Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(1000) }));
    await bot.send(group(CH), message({ fields }), { signal: ac.signal, key: 'many' });
    expect(fake.sent(CH).length).toBeGreaterThan(10);
    expect(getEventListeners(ac.signal, 'abort').length).toBeLessThanOrEqual(1);
  });

  it('splits a field value over 1024 characters into continued fields', async () => {
    await bot.send(group(CH), message({ fields: [{ name: 'Log', value: 'line\n'.repeat(500) }] }), ctx());
    const fields = fake.sent(CH)[0]!.embeds[0].fields;
    expect(fields.map((f: any) => f.name)).toEqual(['Log', 'Log (2)', 'Log (3)']);
  });

  it('does not post twice when a delivery is re-sent with the same key', async () => {
    await bot.send(group(CH), message(), ctx('same'));
    await bot.send(group(CH), message(), ctx('same'));
    expect(fake.sent(CH)).toHaveLength(1);
  });

  it('hashes a delivery key longer than the 25-character nonce limit', async () => {
    await bot.send(group(CH), message(), ctx('delivery-0123456789abcdef0123456789'));
    expect(fake.sent(CH)[0]!.nonce!.length).toBeLessThanOrEqual(25);
  });

  it('posts to a thread when the target names one', async () => {
    await bot.send(group(CH, '400000000000000777'), message(), ctx());
    expect(fake.sent('400000000000000777')).toHaveLength(1);
    expect(fake.sent(CH)).toHaveLength(0);
  });

  it('opens a DM channel once per user and reuses it', async () => {
    const user = { chat: '300000000000000009', kind: 'user' as const };
    await bot.send(user, message(), ctx('a'));
    await bot.send(user, message(), ctx('b'));
    expect(fake.dmOpens.get('300000000000000009')).toBe(1);
    expect(fake.sent(fake.dmChannels.get('300000000000000009')!)).toHaveLength(2);
  });

  it('hands a 429 to the worker as retryAfterMs, for that channel only', async () => {
    // A first message teaches the client the channel's bucket, as in any running bot.
    await bot.send(group(CH), message(), ctx('first'));
    fake.failNext(new RegExp(`^/channels/${CH}/messages$`), { status: 429, retryAfter: 3 });
    const err = (await bot.send(group(CH), message(), ctx('x')).catch((e) => e)) as DeliveryError;
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(3000);
    expect(err.retryAfterMs).toBeLessThan(4000);
    // Another channel goes out at once, while the limited one is still refused without a request.
    const before = fake.requests.length;
    await bot.send(group(CH2), message(), ctx('y'));
    expect(fake.sent(CH2)).toHaveLength(1);
    const again = (await bot.send(group(CH), message(), ctx('x')).catch((e) => e)) as DeliveryError;
    expect(again.retryAfterMs).toBeGreaterThan(0);
    expect(fake.requests.length).toBe(before + 1);
  });

  it('follows the per-channel headers: once the bucket is empty the next send is handed back', async () => {
    fake.limitChannels(2, 60_000);
    await bot.send(group(CH), message(), ctx('1'));
    await bot.send(group(CH), message(), ctx('2'));
    const err = (await bot.send(group(CH), message(), ctx('3')).catch((e) => e)) as DeliveryError;
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(fake.sent(CH)).toHaveLength(2);
  });

  it.each([
    ['an unknown channel', (f: FakeDiscord) => f.missing.add(CH), /10003.*Unknown Channel/],
    ['a channel the bot cannot see', (f: FakeDiscord) => f.forbidden.add(CH), /50001.*Missing Access/],
  ])('dead-letters %s with the reason', async (_n, setup, reason) => {
    setup(fake);
    const err = (await bot.send(group(CH), message(), ctx()).catch((e) => e)) as DeliveryError;
    expect(err.retryable).toBe(false);
    expect(err.unhealthy).toBe(false);
    expect(err.message).toMatch(reason);
  });

  it('dead-letters a DM to a user who does not accept them', async () => {
    fake.dmBlocked.add('300000000000000009');
    const err = (await bot.send({ chat: '300000000000000009', kind: 'user' }, message(), ctx()).catch((e) => e)) as DeliveryError;
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/50007/);
  });

  it('marks the bot unhealthy on 401 and keeps the token out of the error', async () => {
    const real = fake.token;
    fake.token = 'another-token-another-token';
    const err = (await bot.send(group(CH), message(), ctx()).catch((e) => e)) as DeliveryError;
    expect(err.unhealthy).toBe(true);
    expect(err.retryable).toBe(true);
    expect(bot.health().state).toBe('unhealthy');
    expect(err.message).not.toContain(real);
    expect(logs()).not.toContain(real);
  });

  it('retries later on a 5xx or a dropped connection', async () => {
    fake.failNext(/messages$/, { status: 502 });
    const e1 = (await bot.send(group(CH), message(), ctx()).catch((e) => e)) as DeliveryError;
    expect([e1.retryable, e1.unhealthy]).toEqual([true, false]);
    fake.failNext(/messages$/, { status: 0 });
    const e2 = (await bot.send(group(CH), message(), ctx()).catch((e) => e)) as DeliveryError;
    expect(e2.retryable).toBe(true);
  });

  it.each([
    ['112233445566778899', { chat: '112233445566778899' }],
    ['112233445566778899/998877665544332211', { chat: '112233445566778899', thread: '998877665544332211' }],
  ])('parses the chat %s', (raw, out) => {
    expect(bot.parseChat(raw)).toEqual(out);
  });

  it.each([['general'], ['123'], ['112233445566778899/'], ['1/2/3'], ['-100123']])('refuses the chat %j with a clear error', (raw) => {
    expect(() => bot.parseChat(raw)).toThrow(/not a Discord chat/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../../fakes/telegram/fake-telegram.js';
import { TOKEN, makeBot, message, sendCtx } from './helpers.js';
import { PNG as PNG_1x1 } from '../../helpers/images.js';
import { failure } from '../../helpers/failure.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const GROUP = '-1001234567890';
const USER = '42';

describe('Telegram delivery against the fake Bot API', () => {
  let fake: FakeTelegram;
  beforeEach(async () => {
    fake = new FakeTelegram({ tokens: [TOKEN], limits: false });
    fake
      .addChat({ id: Number(GROUP), type: 'supergroup', forum: true, topics: [42] })
      .addChat({ id: Number(USER), type: 'private' })
      .addChat({ id: 43, type: 'private', blocked: 'Forbidden: bot was blocked by the user' })
      .addChat({ id: -555, type: 'group', migratedTo: -100555 })
      .addChat({ id: -100555, type: 'supergroup' });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('sends a report to a group as valid HTML, previews off, with sound', async () => {
    const { bot } = makeBot(fake.url);
    const msg = message({ title: 'Backup <done>', text: 'copied **3** files & `1 dir`', fields: [{ name: 'host', value: 'db-1' }], link: 'https://x.example/run/1' });
    const res = await bot.send({ chat: GROUP, kind: 'group' }, msg, sendCtx());
    const [m, ...more] = fake.sentTo(GROUP);
    expect(more).toEqual([]);
    expect(res.messageIds).toEqual([String(m!.messageId)]);
    expect(m).toMatchObject({ method: 'sendMessage', parseMode: 'HTML', silent: false, linkPreviewDisabled: true });
    expect(m!.text).toBe('Backup <done>\ncopied 3 files & 1 dir\nhost: db-1\nhttps://x.example/run/1');
    expect(m!.entities.map((e) => e.type)).toEqual(['bold', 'bold', 'code', 'bold', 'text_link']);
  });

  it('shows link previews when linkPreviews is on', async () => {
    const { bot } = makeBot(fake.url, { linkPreviews: true });
    await bot.send({ chat: USER, kind: 'user' }, message({ text: 'see https://x.example' }), sendCtx());
    expect(fake.sentTo(USER)[0]!.linkPreviewDisabled).toBe(false);
  });

  it('posts into a forum topic and silently when asked', async () => {
    const { bot } = makeBot(fake.url);
    await bot.send({ chat: GROUP, thread: '42', kind: 'group' }, message({ text: 'hi', silent: true }), sendCtx());
    expect(fake.sentTo(GROUP)[0]).toMatchObject({ threadId: 42, silent: true, text: 'hi' });
  });

  it('splits a long message at 4096, in order, only the first part with sound', async () => {
    const { bot } = makeBot(fake.url);
    const lines = Array.from({ length: 600 }, (_, i) => `line ${i} **bold & <b>**`);
    const res = await bot.send({ chat: USER, kind: 'user' }, message({ title: 'Log', text: lines.join('\n') }), sendCtx());
    const sent = fake.sentTo(USER);
    expect(sent.length).toBeGreaterThan(2);
    expect(res.messageIds).toHaveLength(sent.length);
    expect(sent.map((m) => m.silent)).toEqual(sent.map((_, i) => i > 0));
    // Every character arrives once, in order (splitSpans may cut between two spans of one line).
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
    expect(squash(sent.map((m) => m.text).join(' '))).toBe(squash(['Log', ...lines.map((l) => l.replace(/\*\*/g, ''))].join('\n')));
    for (const m of sent) expect([...m.text].length).toBeLessThanOrEqual(4096);
  });

  it('sends a screenshot as an uploaded photo with the message as its caption', async () => {
    const { bot } = makeBot(fake.url);
    await bot.send({ chat: GROUP, kind: 'group' }, message({ title: 'Domain done', text: 'ok', image: { data: PNG, mime: 'image/png', filename: 'shot.png' } }), sendCtx());
    const [m, ...more] = fake.sentTo(GROUP);
    expect(more).toEqual([]);
    expect(m!.method).toBe('sendPhoto');
    expect(m!.photo!.upload!.data.equals(PNG)).toBe(true);
    expect(m!.photo!.upload!.filename).toBe('shot.png');
    expect(m!.text).toBe('Domain done\nok');
    expect(m!.entities[0]).toMatchObject({ type: 'bold', offset: 0, length: 11 });
  });

  it('sends a photo by URL', async () => {
    const { bot } = makeBot(fake.url);
    await bot.send({ chat: USER, kind: 'user' }, message({ text: 'cover', image: { url: 'https://img.example/a.jpg' } }), sendCtx());
    expect(fake.sentTo(USER)[0]).toMatchObject({ method: 'sendPhoto', photo: { url: 'https://img.example/a.jpg' }, text: 'cover' });
  });

  it('sends the photo then the text when the text is over the 1024 caption limit', async () => {
    const { bot } = makeBot(fake.url);
    const text = 'x'.repeat(1500);
    await bot.send({ chat: USER, kind: 'user' }, message({ text, image: { url: 'https://img.example/a.jpg' } }), sendCtx());
    const sent = fake.sentTo(USER);
    expect(sent.map((m) => m.method)).toEqual(['sendPhoto', 'sendMessage']);
    expect(sent[0]!.text).toBe('');
    expect(sent[1]!.text).toBe(text);
  });

  it('still sends the text, saying why, when the photo is refused', async () => {
    const { bot } = makeBot(fake.url);
    fake.failNext('sendPhoto', { status: 400, description: 'Bad Request: failed to get HTTP URL content' });
    await bot.send({ chat: USER, kind: 'user' }, message({ title: 'T', text: 'body', image: { url: 'https://img.example/gone.jpg' } }), sendCtx());
    const sent = fake.sentTo(USER);
    expect(sent.map((m) => m.method)).toEqual(['sendMessage']);
    expect(sent[0]!.text).toBe('T\nbody\n(image not sent: 400: Bad Request: failed to get HTTP URL content)');
  });

  it('sends a long screenshot Telegram refuses as a photo (ratio over 20) as a file, caption and all', async () => {
    const { bot } = makeBot(fake.url);
    // A PNG header claiming 400×9000: the fake, like Telegram, reads the dimensions.
    const tall = Buffer.from(PNG_1x1);
    tall.writeUInt32BE(400, 16);
    tall.writeUInt32BE(9000, 20);
    await bot.send({ chat: USER, kind: 'user' }, message({ title: 'Page', text: 'scrolled', image: { data: tall, mime: 'image/png', filename: 'page.png' } }), sendCtx());
    expect(fake.calls('sendPhoto').map((c) => c.status)).toEqual([400]);
    const sent = fake.sentTo(USER);
    expect(sent.map((m) => m.method)).toEqual(['sendDocument']);
    expect((sent[0]!.document as { data: Buffer }).data.equals(tall)).toBe(true);
    expect(sent[0]!.text).toBe('Page\nscrolled');
  });

  it('follows a group upgraded to a supergroup and reports where it moved', async () => {
    const { bot } = makeBot(fake.url);
    const res = await bot.send({ chat: '-555', kind: 'group' }, message({ text: 'one' }), sendCtx());
    expect(res.movedTo).toBe('-100555');
    expect(fake.sentTo(-100555).map((m) => m.text)).toEqual(['one']);
    const before = fake.calls('sendMessage').length;
    await bot.send({ chat: '-555', kind: 'group' }, message({ text: 'two' }), sendCtx());
    expect(fake.calls('sendMessage').length).toBe(before + 1); // straight to the new chat
    expect(fake.sentTo(-100555).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it.each([
    ['a blocked bot (403)', '43', 'Forbidden: bot was blocked by the user'],
    ['an unknown chat (400)', '999', 'Bad Request: chat not found'],
  ])('gives up on %s with Telegram’s reason', async (_name, chat, reason) => {
    const { bot } = makeBot(fake.url);
    const e = await failure(bot.send({ chat, kind: 'user' }, message({ text: 'x' }), sendCtx()));
    expect(e).toMatchObject({ retryable: false, unhealthy: false, message: reason });
  });

  it('gives up on a bad topic id', async () => {
    const { bot } = makeBot(fake.url);
    const e = await failure(bot.send({ chat: GROUP, thread: '9', kind: 'group' }, message({ text: 'x' }), sendCtx()));
    expect(e).toMatchObject({ retryable: false, message: 'Bad Request: message thread not found' });
  });

  it('retries a 429 after retry_after', async () => {
    const { bot } = makeBot(fake.url);
    fake.failNext('sendMessage', { status: 429, retryAfter: 7 });
    const e = await failure(bot.send({ chat: USER, kind: 'user' }, message({ text: 'x' }), sendCtx()));
    expect(e).toMatchObject({ retryable: true, retryAfterMs: 7000, unhealthy: false });
  });

  it.each([
    ['a 5xx', { status: 502 as const }],
    ['a dropped connection', { drop: true as const }],
  ])('retries %s, without the token in the reason', async (_name, fault) => {
    const { bot } = makeBot(fake.url);
    fake.failNext('sendMessage', fault);
    const e = await failure(bot.send({ chat: USER, kind: 'user' }, message({ text: 'x' }), sendCtx()));
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBeUndefined();
    expect(e.message).not.toContain(TOKEN);
    expect(String(e.cause ?? '')).not.toContain(TOKEN);
  });

  it('marks itself unhealthy on 401, loudly, and holds the delivery', async () => {
    const other = new FakeTelegram({ tokens: ['1:other-token-not-ours-xxxxxxxxx'] });
    other.addChat({ id: 42, type: 'private' });
    await other.start();
    try {
      const { bot, logs } = makeBot(other.url);
      const e = await failure(bot.send({ chat: USER, kind: 'user' }, message({ text: 'x' }), sendCtx()));
      expect(e).toMatchObject({ retryable: true, unhealthy: true });
      expect(bot.health()).toMatchObject({ state: 'unhealthy', reason: expect.stringMatching(/401/) });
      expect(logs()).toMatch(/"level":50.*TOKEN/);
      expect(logs()).not.toContain(TOKEN);
    } finally {
      await other.stop();
    }
  });

  it('does not send again the parts that went before a failure', async () => {
    const { bot } = makeBot(fake.url);
    const rows = Array.from({ length: 700 }, (_, i) => `row ${i}`);
    const msg = message({ text: rows.join('\n') });
    const ctx = sendCtx();
    fake.failNext('sendMessage', { status: 503 }, { after: 1 });
    await failure(bot.send({ chat: USER, kind: 'user' }, msg, ctx));
    expect(fake.sentTo(USER)).toHaveLength(1);
    const res = await bot.send({ chat: USER, kind: 'user' }, msg, ctx);
    const sent = fake.sentTo(USER);
    expect(sent).toHaveLength(2);
    expect(sent.map((m) => m.text).join('\n')).toBe(rows.join('\n'));
    expect(res.messageIds).toEqual(sent.map((m) => String(m.messageId)));
  });

  it('refuses an empty message for good', async () => {
    const { bot } = makeBot(fake.url);
    const e = await failure(bot.send({ chat: USER, kind: 'user' }, message(), sendCtx()));
    expect(e).toMatchObject({ retryable: false, message: expect.stringMatching(/empty/) });
    expect(fake.calls('sendMessage')).toEqual([]);
  });
});

describe('Telegram uploads over the photo limit', () => {
  it('sends an image over 10 MB as a document, with its caption', async () => {
    const fake = new FakeTelegram({ tokens: [TOKEN], limits: false });
    fake.addChat({ id: 42, type: 'private' });
    await fake.start();
    try {
      const { bot } = makeBot(fake.url);
      const big = Buffer.alloc(10 * 1024 * 1024 + 1, 7);
      await bot.send({ chat: '42', kind: 'user' }, message({ text: 'big', image: { data: big, mime: 'image/png', filename: 'big.png' } }), sendCtx());
      const [m] = fake.sentTo(42);
      expect(m!.method).toBe('sendDocument');
      expect((m!.document as { data: Buffer }).data.length).toBe(big.length);
      expect(m!.text).toBe('big');
    } finally {
      await fake.stop();
    }
  });
});

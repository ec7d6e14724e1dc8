// The OneBot adapter sending to the fake OneBot over HTTP and over the reverse WebSocket.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRef } from '../../../src/bot.js';
import type { Message } from '../../../src/message.js';
import { parseMarkup } from '../../../src/render/markup.js';
import { failure } from '../../helpers/failure.js';
import { PNG } from '../../helpers/images.js';
import { ADMIN, GROUP, TOKEN, onebotHarness, type OneBotHarness } from './harness.js';

let h: OneBotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let n = 0;
const ctx = () => ({ signal: new AbortController().signal, key: `onebot-${++n}` });
const msg = (over: Partial<Message> = {}): Message => ({ body: parseMarkup('hello'), fields: [], level: 'info', source: 'report', event: 'test', time: '2024-05-01T12:00:00Z', silent: false, ...over });
const group: ChatRef = { chat: String(GROUP), kind: 'group' };
const user: ChatRef = { chat: String(ADMIN), kind: 'user' };

describe('sending over the HTTP API', () => {
  it('sends send_group_msg and send_private_msg with segment arrays and a Bearer token', async () => {
    h = await onebotHarness();
    await h.waitHealth('ok');
    const a = await h.bot.send(group, msg({ title: '录制完成' }), ctx());
    const b = await h.bot.send(user, msg(), ctx());
    expect(h.fake.sent.map((s) => [s.action, s.target, s.via])).toEqual([
      ['send_group_msg', GROUP, 'http'],
      ['send_private_msg', ADMIN, 'http'],
    ]);
    expect(h.fake.sent[0]!.segments).toEqual([{ type: 'text', data: { text: '录制完成\nhello' } }]);
    expect(a.messageIds).toEqual([String(h.fake.sent[0]!.messageId)]);
    expect(b.messageIds).toEqual([String(h.fake.sent[1]!.messageId)]);
    expect(h.fake.requests.filter((r) => r.action.startsWith('send_')).every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('sends a screenshot as a base64:// image segment after its text', async () => {
    h = await onebotHarness();
    await h.bot.send(group, msg({ title: 'BetterGI', image: { data: PNG, mime: 'image/png', filename: 's.png' } }), ctx());
    expect(h.fake.sent[0]!.segments).toEqual([
      { type: 'text', data: { text: 'BetterGI\nhello' } },
      { type: 'image', data: { file: `base64://${PNG.toString('base64')}` } },
    ]);
  });

  it('gives up on a group the bot is not in, saying so', async () => {
    h = await onebotHarness();
    const e = await failure(h.bot.send({ chat: '99999999', kind: 'group' }, msg(), ctx()));
    expect(e).toMatchObject({ retryable: false, unhealthy: false });
    expect(e.message).toMatch(/not in that group/);
  });

  it('retries a NapCat timeout once after a minute, never at once', async () => {
    h = await onebotHarness();
    h.fake.failNext('send_group_msg', { timeout: true });
    const e = await failure(h.bot.send(group, msg(), ctx()));
    expect(e).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
  });

  it('paces the parts of a long notice, and a retry goes on from the part not yet sent', async () => {
    // The worker's limiter does the pacing here (through `pace`), so the fake's own risk control is off.
    h = await onebotHarness({ options: { maxChars: 100, chatGapMs: 0 }, fake: { risk: { chatGapMs: 0, perSecond: 100 } } });
    const long = msg({ body: parseMarkup(Array.from({ length: 6 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\n')) });
    const c = ctx();
    // The rate limiter says the second part must wait 800 ms: the first went, the rest is owed.
    const waits = [800, 0, 0, 0, 0, 0, 0];
    const paced = { ...c, pace: () => waits.shift() ?? 0 };
    const first = await failure(h.bot.send(group, long, paced));
    expect(first).toMatchObject({ retryable: true, retryAfterMs: 800 });
    expect(h.fake.sent).toHaveLength(1);
    // The next try (the worker waits the 800 ms on its clock) sends only the rest.
    h.fake.failNext('send_group_msg', { pass: true });
    h.fake.failNext('send_group_msg', { status: 502 });
    const second = await failure(h.bot.send(group, long, paced));
    expect(second).toMatchObject({ retryable: true });
    expect(h.fake.sent).toHaveLength(2);
    const res = await h.bot.send(group, long, paced);
    expect(res.paced).toBe(true);
    const texts = h.fake.sent.map((s) => s.segments[0]!.data['text']!);
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts.join('\n').replace(/\s+/g, '')).toBe(Array.from({ length: 6 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('').replace(/\s+/g, ''));
    expect(res.messageIds).toHaveLength(texts.length);
  });

  it('marks itself unhealthy when the token is refused, keeping it out of errors and logs', async () => {
    h = await onebotHarness({ options: { accessToken: 'not-the-right-token-0000' } });
    await h.waitHealth('unhealthy', /accessToken/);
    const e = await failure(h.bot.send(group, msg(), ctx()));
    expect(e).toMatchObject({ retryable: false, unhealthy: true });
    expect(e.message).toMatch(/bots\.qq\.accessToken/);
    expect(h.logs()).not.toContain('not-the-right-token-0000');
    expect(h.fake.sent).toEqual([]);
  });

  it.each([['spec'], ['napcat']] as const)('in %s mode, a missing token is refused as the implementation does', async (mode) => {
    h = await onebotHarness({ fake: { mode } });
    const res = await fetch(`${h.fake.url}/send_group_msg`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(mode === 'spec' ? 401 : 403);
  });
});

describe('sending over the reverse WebSocket (no url)', () => {
  it('waits for QQ to connect, then sends as API calls over the socket', async () => {
    h = await onebotHarness({ http: false });
    expect(h.bot.health()).toMatchObject({ state: 'starting', reason: expect.stringMatching(/waiting for QQ to connect the reverse WebSocket at \/onebot\/v11\/ws/) });
    const early = await failure(h.bot.send(group, msg(), ctx()));
    expect(early).toMatchObject({ retryable: true, unhealthy: false });
    expect(await h.fake.connect(h.wsUrl)).toBe('open');
    await h.waitHealth('ok');
    await h.bot.send(group, msg({ image: { data: PNG, mime: 'image/png', filename: 's.png' } }), ctx());
    expect(h.fake.sent).toHaveLength(1);
    expect(h.fake.sent[0]).toMatchObject({ via: 'ws', action: 'send_group_msg', target: GROUP });
    expect(h.fake.sent[0]!.segments.map((s) => s.type)).toEqual(['text', 'image']);
    expect(h.fake.wsReceived[0]).toMatchObject({ action: 'send_group_msg', echo: expect.any(String) });
  });

  it('hands a NapCat 1200 timeout over the socket back as one slow retry', async () => {
    h = await onebotHarness({ http: false });
    await h.fake.connect(h.wsUrl);
    await h.waitHealth('ok');
    h.fake.failNext('send_private_msg', { timeout: true, recorded: true });
    const e = await failure(h.bot.send(user, msg(), ctx()));
    expect(e).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
    // The message did arrive: hookbot does not resend it blindly at once.
    expect(h.fake.sent).toHaveLength(1);
  });
});

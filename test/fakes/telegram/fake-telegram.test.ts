import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api, InputFile } from 'grammy';
import { ManualClock } from '../../../src/clock.js';
import { FakeTelegram, type FakeChat } from './fake-telegram.js';

const TOKEN = '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

type Answer = { status: number; body: { ok: boolean; result?: any; error_code?: number; description?: string; parameters?: Record<string, number> } };

async function call(fake: FakeTelegram, method: string, params: Record<string, unknown>, token = TOKEN): Promise<Answer> {
  const res = await fetch(`${fake.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const CHATS: FakeChat[] = [
  { id: 42, type: 'private' },
  { id: -100777, type: 'supergroup', forum: true, topics: [5] },
  { id: 43, type: 'private', blocked: 'Forbidden: bot was blocked by the user' },
  { id: -555, type: 'group', migratedTo: -100555 },
  { id: -100555, type: 'supergroup', username: 'mychannel' },
];

describe('fake Telegram', () => {
  let fake: FakeTelegram;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(1_700_000_000_000);
    fake = new FakeTelegram({ tokens: [TOKEN], clock });
    for (const c of CHATS) fake.addChat(c);
    await fake.start();
  });
  afterEach(() => fake.stop());

  const cases: [string, string, Record<string, unknown>, number, RegExp | undefined][] = [
    ['plain message', 'sendMessage', { chat_id: 42, text: 'hi' }, 200, undefined],
    ['chat id as a string', 'sendMessage', { chat_id: '42', text: 'hi' }, 200, undefined],
    ['@channelname', 'sendMessage', { chat_id: '@mychannel', text: 'hi' }, 200, undefined],
    ['unknown chat', 'sendMessage', { chat_id: 999, text: 'hi' }, 400, /^Bad Request: chat not found$/],
    ['blocked chat', 'sendMessage', { chat_id: 43, text: 'hi' }, 403, /^Forbidden: bot was blocked by the user$/],
    ['migrated group', 'sendMessage', { chat_id: -555, text: 'hi' }, 400, /upgraded to a supergroup/],
    ['bad HTML', 'sendMessage', { chat_id: 42, text: 'a & b', parse_mode: 'HTML' }, 400, /^Bad Request: can't parse entities/],
    ['HTML is only parsed with parse_mode', 'sendMessage', { chat_id: 42, text: 'a & b' }, 200, undefined],
    ['empty text', 'sendMessage', { chat_id: 42, text: '' }, 400, /message text is empty/],
    ['only tags', 'sendMessage', { chat_id: 42, text: '<b> </b>', parse_mode: 'HTML' }, 400, /message text is empty/],
    ['4096 characters after parsing', 'sendMessage', { chat_id: 42, text: `<b>${'&lt;'.repeat(4096)}</b>`, parse_mode: 'HTML' }, 200, undefined],
    ['4097 characters', 'sendMessage', { chat_id: 42, text: 'a'.repeat(4097) }, 400, /message is too long/],
    ['4096 emoji (code points, not UTF-16)', 'sendMessage', { chat_id: 42, text: '😀'.repeat(4096) }, 200, undefined],
    ['known topic', 'sendMessage', { chat_id: -100777, text: 'hi', message_thread_id: 5 }, 200, undefined],
    ['unknown topic', 'sendMessage', { chat_id: -100777, text: 'hi', message_thread_id: 6 }, 400, /message thread not found/],
    ['topic in a chat without topics', 'sendMessage', { chat_id: 42, text: 'hi', message_thread_id: 5 }, 400, /message thread not found/],
    ['photo by URL', 'sendPhoto', { chat_id: 42, photo: 'https://example.com/a.png', caption: '<b>c</b>', parse_mode: 'HTML' }, 200, undefined],
    ['photo caption over 1024', 'sendPhoto', { chat_id: 42, photo: 'https://example.com/a.png', caption: 'c'.repeat(1025) }, 400, /caption is too long/],
    ['photo that is no URL', 'sendPhoto', { chat_id: 42, photo: 'not a url' }, 400, /wrong file identifier\/HTTP URL/],
    ['no photo', 'sendPhoto', { chat_id: 42 }, 400, /there is no photo/],
    ['unknown method', 'sendSticker', { chat_id: 42 }, 404, /^Not Found$/],
    ['bad command name', 'setMyCommands', { commands: [{ command: 'Bad-Name', description: 'x' }] }, 400, /BOT_COMMAND_INVALID/],
  ];
  it.each(cases)('%s', async (_name, method, params, status, description) => {
    const got = await call(fake, method, params);
    expect(got.status).toBe(status);
    expect(got.body.ok).toBe(status === 200);
    if (description) expect(got.body.description).toMatch(description);
    if (status !== 200) expect(got.body.error_code).toBe(status);
  });

  it('answers 401 to a wrong token', async () => {
    const got = await call(fake, 'getMe', {}, '999:wrong');
    expect(got).toMatchObject({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
  });

  it('gives migrate_to_chat_id for a migrated group', async () => {
    const got = await call(fake, 'sendMessage', { chat_id: -555, text: 'x' });
    expect(got.body.parameters).toEqual({ migrate_to_chat_id: -100555 });
  });

  it('records what was sent, with entities, thread, silence and preview settings', async () => {
    await call(fake, 'sendMessage', {
      chat_id: -100777,
      text: '<b>T</b>\n<a href="https://e.x">l</a>',
      parse_mode: 'HTML',
      message_thread_id: 5,
      disable_notification: true,
      link_preview_options: { is_disabled: true },
    });
    const [m] = fake.sentTo(-100777);
    expect(m).toMatchObject({ method: 'sendMessage', chatId: '-100777', threadId: 5, text: 'T\nl', silent: true, linkPreviewDisabled: true });
    expect(m!.entities).toEqual([
      { type: 'bold', offset: 0, length: 1 },
      { type: 'text_link', offset: 2, length: 1, url: 'https://e.x' },
    ]);
  });

  it.each([
    ['query string', (u: string) => fetch(`${u}?chat_id=42&text=q`)],
    ['urlencoded', (u: string) => fetch(u, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'chat_id=42&text=q' })],
    ['JSON', (u: string) => fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chat_id":42,"text":"q"}' })],
  ])('takes parameters as %s', async (_name, send) => {
    const res = await send(`${fake.url}/bot${TOKEN}/sendMessage`);
    expect(res.status).toBe(200);
    expect(fake.sentTo(42).map((m) => m.text)).toEqual(['q']);
  });

  it("reads grammY's own multipart upload (attach://, unquoted filename)", async () => {
    const api = new Api(TOKEN, { apiRoot: fake.url });
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    await api.sendPhoto(42, new InputFile(png, 'shot.png'), { caption: '<i>c</i>', parse_mode: 'HTML' });
    const [m] = fake.sentTo(42);
    expect(m!.photo?.upload?.data.equals(png)).toBe(true);
    expect(m!.photo?.upload?.filename).toBe('shot.png');
    expect(m!.text).toBe('c');
    expect(fake.calls('sendPhoto')[0]!.params.photo).toMatch(/^attach:\/\/\w+$/);
  });

  describe('flood limits', () => {
    it('allows 1 message per second in a private chat, then answers 429 with retry_after', async () => {
      expect((await call(fake, 'sendMessage', { chat_id: 42, text: '1' })).status).toBe(200);
      const second = await call(fake, 'sendMessage', { chat_id: 42, text: '2' });
      expect(second).toMatchObject({ status: 429, body: { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } } });
      clock.advance(1000);
      expect((await call(fake, 'sendMessage', { chat_id: 42, text: '3' })).status).toBe(200);
      expect(fake.stats.tooManyRequests).toBe(1);
      expect(fake.sentTo(42).map((m) => m.text)).toEqual(['1', '3']);
    });

    it('allows 20 in any minute in a group, and no more than one a second', async () => {
      expect((await call(fake, 'sendMessage', { chat_id: -100555, text: 'a' })).status).toBe(200);
      const tooSoon = await call(fake, 'sendMessage', { chat_id: -100555, text: 'b' });
      expect(tooSoon).toMatchObject({ status: 429, body: { parameters: { retry_after: 1 } } });
      for (let i = 1; i < 20; i++) {
        clock.advance(1000);
        expect((await call(fake, 'sendMessage', { chat_id: -100555, text: String(i) })).status).toBe(200);
      }
      // 20 in the last 19 s: the 21st waits until the first is a minute old (41 s more). Nothing
      // comes back inside the minute, as a token bucket would give back one every 3 s.
      clock.advance(10_000);
      const over = await call(fake, 'sendMessage', { chat_id: -100555, text: 'x' });
      expect(over.status).toBe(429);
      expect(over.body.parameters!.retry_after).toBe(31);
      clock.advance(30_999);
      expect((await call(fake, 'sendMessage', { chat_id: -100555, text: 'y' })).status).toBe(429);
      clock.advance(1);
      expect((await call(fake, 'sendMessage', { chat_id: -100555, text: 'z' })).status).toBe(200);
      // And the next only when the second is a minute old.
      clock.advance(999);
      expect((await call(fake, 'sendMessage', { chat_id: -100555, text: 'w' })).status).toBe(429);
    });

    it('allows 30 per second per bot across chats', async () => {
      const chats = Array.from({ length: 31 }, (_, i) => 1000 + i);
      for (const id of chats) fake.addChat({ id, type: 'private' });
      const statuses = [];
      for (const id of chats) statuses.push((await call(fake, 'sendMessage', { chat_id: id, text: 'x' })).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(30);
      expect(statuses[30]).toBe(429);
    });

    it('can be given other rates, and switched off', async () => {
      const fast = new FakeTelegram({ tokens: [TOKEN], clock, limits: { group: { count: 100, perMs: 1000 } } });
      const off = new FakeTelegram({ tokens: [TOKEN], clock, limits: false });
      for (const f of [fast, off]) {
        f.addChat({ id: -1, type: 'supergroup' });
        await f.start();
      }
      try {
        const a = [];
        for (let i = 0; i < 25; i++) a.push((await call(fast, 'sendMessage', { chat_id: -1, text: 'x' })).status);
        expect(a.every((s) => s === 200)).toBe(true);
        const b = [];
        for (let i = 0; i < 50; i++) b.push((await call(off, 'sendMessage', { chat_id: -1, text: 'x' })).status);
        expect(b.every((s) => s === 200)).toBe(true);
      } finally {
        await fast.stop();
        await off.stop();
      }
    });
  });

  describe('scripted faults', () => {
    it('answers the next call of a method with the scripted error, then normally', async () => {
      fake.failNext('sendMessage', { status: 429, retryAfter: 7 });
      fake.failNext('sendMessage', { status: 502 });
      const a = await call(fake, 'sendMessage', { chat_id: 42, text: 'x' });
      expect(a).toMatchObject({ status: 429, body: { parameters: { retry_after: 7 } } });
      expect((await call(fake, 'sendMessage', { chat_id: 42, text: 'x' })).status).toBe(502);
      expect((await call(fake, 'sendMessage', { chat_id: 42, text: 'x' })).status).toBe(200);
      expect(fake.stats.tooManyRequests).toBe(1);
    });

    it('can drop the connection', async () => {
      fake.failNext('*', { drop: true });
      await expect(call(fake, 'getMe', {})).rejects.toThrow();
      expect((await call(fake, 'getMe', {})).status).toBe(200);
    });

    it('can be down for every call until it is up again', async () => {
      fake.outage('down');
      await expect(call(fake, 'getMe', {})).rejects.toThrow();
      await expect(call(fake, 'sendMessage', { chat_id: 42, text: 'x' })).rejects.toThrow();
      fake.outage('up');
      expect((await call(fake, 'sendMessage', { chat_id: 42, text: 'x' })).status).toBe(200);
      expect(fake.sentTo(42)).toHaveLength(1);
    });

    it('can hang the calls of a method, answering nothing until it is up again', async () => {
      fake.outage('hang', ['sendMessage']);
      const hanging = call(fake, 'sendMessage', { chat_id: 42, text: 'x' });
      await fake.waitFor(() => fake.calls('sendMessage').length === 1, 5000, 'the call to arrive');
      expect((await call(fake, 'getMe', {})).status).toBe(200); // other methods answer
      let settled = false;
      void hanging.catch(() => undefined).finally(() => (settled = true));
      await call(fake, 'getMe', {});
      expect(settled).toBe(false);
      fake.outage('up');
      await expect(hanging).rejects.toThrow();
      expect(fake.sentTo(42)).toEqual([]);
    });
  });

  describe('getUpdates', () => {
    it('returns pushed commands with the bot_command entity and confirms by offset', async () => {
      await fake.pushCommand({ chatId: -100777, userId: 9, text: '/whoami@hookbot_test_bot now', threadId: 5 });
      const first = await call(fake, 'getUpdates', { timeout: 0 });
      expect(first.body.result).toHaveLength(1);
      const u = first.body.result[0];
      expect(u.message).toMatchObject({
        text: '/whoami@hookbot_test_bot now',
        entities: [{ type: 'bot_command', offset: 0, length: 24 }],
        message_thread_id: 5,
        is_topic_message: true,
        chat: { id: -100777, type: 'supergroup', is_forum: true },
        from: { id: 9 },
      });
      const again = await call(fake, 'getUpdates', { offset: u.update_id + 1, timeout: 0 });
      expect(again.body.result).toEqual([]);
    });

    it('holds a long poll until an update arrives', async () => {
      const poll = call(fake, 'getUpdates', { timeout: 30 });
      await fake.waitFor(() => fake.heldPolls === 1, 2000, 'the poll to be held');
      await fake.pushCommand({ chatId: 42, userId: 42, text: '/status' });
      const got = await poll;
      expect(got.body.result.map((x: any) => x.message.text)).toEqual(['/status']);
    });

    it('ends the older long poll with 409 when a second one comes', async () => {
      const first = call(fake, 'getUpdates', { timeout: 30 });
      await fake.waitFor(() => fake.heldPolls === 1, 2000, 'the first poll to be held');
      const second = call(fake, 'getUpdates', { timeout: 30 });
      const a = await first;
      expect(a.status).toBe(409);
      expect(a.body.description).toMatch(/terminated by other getUpdates request/);
      await fake.pushCommand({ chatId: 42, userId: 42, text: '/help' });
      expect((await second).body.result).toHaveLength(1);
    });

    it('releases the poll when the client aborts', async () => {
      const ac = new AbortController();
      const poll = fetch(`${fake.url}/bot${TOKEN}/getUpdates`, { method: 'POST', body: '{"timeout":30}', headers: { 'content-type': 'application/json' }, signal: ac.signal }).then(
        () => 'answered',
        () => 'aborted',
      );
      await fake.waitFor(() => fake.heldPolls === 1, 2000, 'the poll to be held');
      ac.abort();
      await fake.waitFor(() => fake.heldPolls === 0, 2000, 'the poll to be released');
      expect(await poll).toBe('aborted');
      // The next poll is not a conflict: the aborted one is gone.
      await fake.pushCommand({ chatId: 42, userId: 42, text: '/help' });
      expect((await call(fake, 'getUpdates', { timeout: 30 })).status).toBe(200);
    });

    it('answers 409 while a webhook is set', async () => {
      await call(fake, 'setWebhook', { url: 'http://127.0.0.1:1/hook', secret_token: 's3cret' });
      const got = await call(fake, 'getUpdates', {});
      expect(got.status).toBe(409);
      await call(fake, 'deleteWebhook', {});
      expect((await call(fake, 'getUpdates', {})).status).toBe(200);
    });
  });

  it('keeps the commands set with setMyCommands', async () => {
    const commands = [{ command: 'whoami', description: 'your ids' }];
    expect((await call(fake, 'setMyCommands', { commands })).body.result).toBe(true);
    expect((await call(fake, 'getMyCommands', {})).body.result).toEqual(commands);
  });

  describe('command scopes', () => {
    const everyone = [{ command: 'whoami', description: 'your ids' }];
    const admin = [...everyone, { command: 'mute', description: 'mute a source' }];

    it('keeps one list per scope and reads each back by its scope, without falling back', async () => {
      expect((await call(fake, 'setMyCommands', { commands: everyone })).body.result).toBe(true);
      expect((await call(fake, 'setMyCommands', { commands: admin, scope: { type: 'chat', chat_id: 42 } })).body.result).toBe(true);
      expect((await call(fake, 'setMyCommands', { commands: admin, scope: { type: 'all_group_chats' }, language_code: 'de' })).body.result).toBe(true);
      expect((await call(fake, 'getMyCommands', {})).body.result).toEqual(everyone);
      expect((await call(fake, 'getMyCommands', { scope: { type: 'default' } })).body.result).toEqual(everyone);
      expect((await call(fake, 'getMyCommands', { scope: { type: 'chat', chat_id: '42' } })).body.result).toEqual(admin);
      expect((await call(fake, 'getMyCommands', { scope: { type: 'all_private_chats' } })).body.result).toEqual([]);
      expect((await call(fake, 'getMyCommands', { scope: { type: 'all_group_chats' } })).body.result).toEqual([]);
      expect((await call(fake, 'getMyCommands', { scope: { type: 'all_group_chats' }, language_code: 'de' })).body.result).toEqual(admin);
      expect(fake.commands).toEqual(everyone);
      expect(fake.commandsFor({ type: 'chat', chat_id: 42 })).toEqual(admin);
      // A chat scope named by @username is the same chat as its numeric id.
      await call(fake, 'setMyCommands', { commands: everyone, scope: { type: 'chat_administrators', chat_id: '@mychannel' } });
      expect(fake.commandsFor({ type: 'chat_administrators', chat_id: -100555 })).toEqual(everyone);
      await call(fake, 'setMyCommands', { commands: admin, scope: { type: 'chat_member', chat_id: -100777, user_id: 42 } });
      expect(fake.commandsFor({ type: 'chat_member', chat_id: -100777, user_id: 42 })).toEqual(admin);
    });

    it('deletes the commands of one scope only', async () => {
      await call(fake, 'setMyCommands', { commands: everyone });
      await call(fake, 'setMyCommands', { commands: admin, scope: { type: 'chat', chat_id: 42 } });
      expect((await call(fake, 'deleteMyCommands', { scope: { type: 'chat', chat_id: 42 } })).body.result).toBe(true);
      expect(fake.commandsFor({ type: 'chat', chat_id: 42 })).toEqual([]);
      expect(fake.commands).toEqual(everyone);
    });

    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['an unknown scope type', { type: 'everyone' }, /^Bad Request: unsupported bot command scope type$/],
      ['a scope with no type', {}, /^Bad Request: unsupported bot command scope type$/],
      ['a chat scope without chat_id', { type: 'chat' }, /^Bad Request: chat_id is empty$/],
      ['a chat scope of an unknown chat', { type: 'chat', chat_id: 999 }, /^Bad Request: chat not found$/],
      ['chat_administrators of an unknown chat', { type: 'chat_administrators', chat_id: -100999 }, /^Bad Request: chat not found$/],
      ['chat_administrators of a private chat', { type: 'chat_administrators', chat_id: 42 }, /scope for this chat/],
      ['chat_member without user_id', { type: 'chat_member', chat_id: -100777 }, /^Bad Request: user not found$/],
    ];
    it.each(bad)('answers 400 to %s, and stores nothing', async (_name, scope, description) => {
      const got = await call(fake, 'setMyCommands', { commands: everyone, scope });
      expect(got.status).toBe(400);
      expect(got.body.description).toMatch(description);
      expect((await call(fake, 'getMyCommands', { scope })).status).toBe(400);
      expect([...fake.commandScopes.keys()]).toEqual([]);
    });

    it('answers 400 to a scope that is not a JSON object', async () => {
      const got = await call(fake, 'setMyCommands', { commands: everyone, scope: 'chat' });
      expect(got.status).toBe(400);
      expect(got.body.description).toMatch(/can't parse BotCommandScope/);
    });
  });
});

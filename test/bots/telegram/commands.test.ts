import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../../fakes/telegram/fake-telegram.js';
import { serveKoaApp, type ServedApp } from '../../helpers/koa-app.js';
import { TOKEN, makeBot, makeHost, message, sendCtx } from './helpers.js';

const COMMANDS = [
  { name: 'whoami', description: 'your ids', admin: false },
  { name: 'mute', description: 'mute a source', admin: true, usage: '<source> <duration>' },
  { name: 'Bad-Name', description: 'not valid on Telegram', admin: false },
];

describe('Telegram commands by long polling', () => {
  let fake: FakeTelegram;
  let stopBot: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    fake = new FakeTelegram({ tokens: [TOKEN], limits: false, botUsername: 'hook_bot' });
    await fake.start();
  });
  afterEach(async () => {
    await stopBot?.();
    stopBot = undefined;
    await fake.stop();
  });

  async function started(answer = (cmd: { name: string; args: string }) => ({ text: `**${cmd.name}** got \`${cmd.args}\` <ok>` })) {
    const { bot, logs } = makeBot(fake.url);
    const h = makeHost(answer, COMMANDS);
    await bot.start(h.host);
    stopBot = () => bot.stop();
    await fake.waitFor(() => fake.heldPolls === 1, 5000, 'the bot to poll');
    return { bot, logs, ...h };
  }

  it('publishes the command menu and becomes healthy', async () => {
    const { bot } = await started();
    // Admin commands are not in everyone's menu (this host names no admins, so nobody's).
    expect(fake.commands).toEqual([{ command: 'whoami', description: 'your ids' }]);
    expect(bot.health().state).toBe('ok');
  });

  it('turns /cmd@bot args in a forum topic into a ChatCommand and replies there in HTML', async () => {
    const { received } = await started();
    await fake.pushCommand({ chatId: -100200, userId: 77, username: 'alice', text: '/WhoAmI@hook_bot  a & b ', threadId: 9 });
    await fake.waitFor(() => fake.sentTo(-100200).length === 1, 5000, 'the reply');
    expect(received).toEqual([
      { bot: 'telegram', platform: 'telegram', name: 'whoami', args: 'a & b', user: { id: '77', name: '@alice' }, chat: { id: '-100200', thread: '9', kind: 'group' } },
    ]);
    const [reply] = fake.sentTo(-100200);
    expect(reply).toMatchObject({ threadId: 9, parseMode: 'HTML', text: 'whoami got a & b <ok>' });
    expect(reply!.entities.map((e) => e.type)).toEqual(['bold', 'code']);
    expect(reply!.replyTo).toBeGreaterThan(0);
  });

  it('sends the reply again after retry_after when a busy chat answers 429', async () => {
    await started();
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    await fake.pushCommand({ chatId: -100300, userId: 77, text: '/whoami' });
    await fake.waitFor(() => fake.sentTo(-100300).length === 1, 5000, 'the retried reply');
    const tries = fake.calls('sendMessage');
    expect(tries.map((t) => t.status)).toEqual([429, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a reply Telegram refuses for good', async () => {
    const { logs } = await started();
    fake.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was kicked from the group chat' });
    await fake.pushCommand({ chatId: -100301, userId: 77, text: '/whoami' });
    await fake.waitFor(() => logs().includes('answering a command failed'), 5000, 'the logged failure');
    expect(fake.calls('sendMessage').map((t) => t.status)).toEqual([403]);
    expect(logs()).toContain('bot was kicked');
  });

  it('sees a private chat as kind user', async () => {
    const { received } = await started();
    await fake.pushCommand({ chatId: 5, userId: 5, text: '/status' });
    await fake.waitFor(() => fake.sentTo(5).length === 1, 5000, 'the reply');
    expect(received[0]).toMatchObject({ name: 'status', args: '', chat: { id: '5', kind: 'user' } });
    expect(received[0]!.chat.thread).toBeUndefined();
  });

  it('takes a command posted in a channel, from the channel itself, and answers there', async () => {
    const { received } = await started();
    fake.addChat({ id: -100500, type: 'channel', title: 'Status' });
    await fake.pushCommand({ chatId: -100500, userId: 0, text: '/whoami@hook_bot' });
    await fake.waitFor(() => fake.sentTo(-100500).length === 1, 5000, 'the reply in the channel');
    expect(received).toEqual([
      { bot: 'telegram', platform: 'telegram', name: 'whoami', args: '', user: { id: '-100500', name: 'Status' }, chat: { id: '-100500', kind: 'group' } },
    ]);
    expect(fake.calls('getUpdates').at(-1)!.params.allowed_updates).toEqual(['message', 'channel_post']);
  });

  it('ignores commands for another bot and plain messages', async () => {
    const { received } = await started();
    await fake.pushCommand({ chatId: -1, userId: 5, text: '/status@other_bot' });
    await fake.pushCommand({ chatId: -1, userId: 5, text: 'hello /status' });
    await fake.pushCommand({ chatId: -1, userId: 5, text: '/help' });
    await fake.waitFor(() => received.length === 1 && fake.sentTo(-1).length === 1, 5000, 'the /help reply');
    expect(received.map((c) => c.name)).toEqual(['help']);
  });

  it('sends nothing when the command plane has no answer', async () => {
    const { received } = await started(() => undefined as never);
    await fake.pushCommand({ chatId: 5, userId: 5, text: '/nothing' });
    await fake.pushCommand({ chatId: 5, userId: 5, text: '/again' });
    await fake.waitFor(() => received.length === 2, 5000, 'both commands');
    expect(fake.sentTo(5)).toEqual([]);
  });

  it('confirms the last update when it stops', async () => {
    const { bot, received } = await started();
    const pushed = await fake.pushCommand({ chatId: 5, userId: 5, text: '/help' });
    await fake.waitFor(() => received.length === 1, 5000, 'the command');
    await bot.stop();
    stopBot = undefined;
    const last = fake.calls('getUpdates').at(-1)!;
    expect(last.params).toMatchObject({ offset: (pushed.update_id as number) + 1, limit: 1 });
    expect(last.params.timeout).toBeUndefined();
    expect(bot.health().state).toBe('stopped');
  });

  it('is unhealthy, loudly and without the token, when the token is refused', async () => {
    const other = new FakeTelegram({ tokens: ['1:someone-elses-token-xxxxxxxxxx'] });
    await other.start();
    try {
      const { bot, logs } = makeBot(other.url);
      await bot.start(makeHost(() => undefined).host);
      expect(bot.health()).toMatchObject({ state: 'unhealthy', reason: expect.stringContaining('401') });
      expect(logs()).toMatch(/"level":50/);
      expect(logs()).not.toContain(TOKEN);
      expect(other.calls('getUpdates')).toEqual([]);
      await bot.stop();
    } finally {
      await other.stop();
    }
  });
});

describe('Telegram commands by webhook', () => {
  let fake: FakeTelegram;
  let app: ServedApp;
  let url: string;
  const SECRET = 'webhook-secret-0123456789';

  beforeEach(async () => {
    fake = new FakeTelegram({ tokens: [TOKEN], limits: false });
    await fake.start();
    app = await serveKoaApp();
    url = `${app.url}/telegram/hook`;
  });
  afterEach(async () => {
    await app.close();
    await fake.stop();
  });

  it('sets the webhook with its secret, takes commands on it, and refuses a wrong secret', async () => {
    const { bot } = makeBot(fake.url, { webhook: { url, secret: SECRET } });
    const h = makeHost((cmd) => ({ text: `pong ${cmd.args}` }));
    h.host.mount = (r) => {
      h.mounts.push(r);
      app.mount(r);
    };
    await bot.start(h.host);
    try {
      expect(h.mounts).toMatchObject([{ method: 'POST', path: '/telegram/hook' }]);
      expect(fake.webhook).toEqual({ url, secret: SECRET });
      expect(fake.calls('getUpdates')).toEqual([]);

      await fake.pushCommand({ chatId: 5, userId: 5, text: '/ping 1' });
      await fake.waitFor(() => fake.sentTo(5).length === 1, 5000, 'the reply');
      expect(fake.webhookStatuses).toEqual([200]);
      expect(fake.sentTo(5)[0]!.text).toBe('pong 1');

      const body = JSON.stringify({ update_id: 99, message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'x' }, text: '/ping 2', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } });
      for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong' }] as Record<string, string>[]) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        expect(res.status).toBe(401);
        // Refused as every other request hookbot refuses: a JSON error, and a line in the log.
        expect(await res.json()).toEqual({ error: expect.stringContaining('X-Telegram-Bot-Api-Secret-Token') });
      }
      const bad = await fetch(url, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: '{nope' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'the body is not a JSON Update' });
      expect(h.received.map((c) => c.args)).toEqual(['1']);
      const refused = app.logged.filter((l) => l.includes('request refused')).map((l) => JSON.parse(l) as { status: number; path: string });
      expect(refused.map((l) => [l.status, l.path])).toEqual([
        [401, '/telegram/hook'],
        [401, '/telegram/hook'],
        [400, '/telegram/hook'],
      ]);
      expect(app.logged.join('')).not.toContain(SECRET);
    } finally {
      await bot.stop();
    }
  });

  it('answers 503 in JSON while the bot has not reached Telegram yet, so Telegram sends the update again later', async () => {
    fake.failNext('getMe', { status: 502 });
    const { bot } = makeBot(fake.url, { webhook: { url, secret: SECRET } });
    const h = makeHost(() => undefined);
    h.host.mount = (r) => app.mount(r);
    await bot.start(h.host);
    try {
      expect(bot.health()).toMatchObject({ state: 'starting', reason: expect.stringMatching(/retrying/) });
      const res = await fetch(url, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: '{}' });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/not ready/) });
    } finally {
      await bot.stop();
    }
  });
});

describe('Telegram through a proxy', () => {
  it('tunnels Bot API calls through an http CONNECT proxy', async () => {
    const fake = new FakeTelegram({ tokens: [TOKEN], limits: false });
    fake.addChat({ id: 42, type: 'private' });
    await fake.start();
    const tunnels: string[] = [];
    const sockets = new Set<{ destroy(): void }>();
    const proxy = createServer();
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url!);
      sockets.add(client);
      const [host, port] = req.url!.split(':');
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const { bot } = makeBot(fake.url, { proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
      await bot.send({ chat: '42', kind: 'user' }, message({ text: 'via proxy' }), sendCtx());
      expect(fake.sentTo(42).map((m) => m.text)).toEqual(['via proxy']);
      expect(tunnels).toEqual([new URL(fake.url).host]);
    } finally {
      // Tunnelled sockets are no longer HTTP connections: closeAllConnections does not see them.
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
      await fake.stop();
    }
  });
});

describe('Telegram command menus: admin commands for admins only', () => {
  const MENU = [
    { name: 'help', description: 'what you may run', admin: false },
    { name: 'whoami', description: 'your ids', admin: false },
    { name: 'mute', description: 'mute a source', admin: true },
    { name: 'retry', description: 'send failed deliveries again', admin: true },
  ];
  const EVERYONE = [
    { command: 'help', description: 'what you may run' },
    { command: 'whoami', description: 'your ids' },
  ];
  const ALL = [...EVERYONE, { command: 'mute', description: 'mute a source' }, { command: 'retry', description: 'send failed deliveries again' }];
  let fake: FakeTelegram;
  let stop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    fake = new FakeTelegram({ tokens: [TOKEN], limits: false, botUsername: 'hook_bot' });
    // Admins who opened a private chat with the bot; 333 never did.
    fake.addChat({ id: 111, type: 'private' }).addChat({ id: 222, type: 'private' });
    await fake.start();
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    await fake.stop();
  });

  async function startWith(admins: string[] | undefined, commands = MENU) {
    const { bot, logs } = makeBot(fake.url);
    await bot.start(makeHost(() => undefined, commands, admins).host);
    stop = () => bot.stop();
    await fake.waitFor(() => fake.heldPolls === 1, 5000, 'the bot to poll');
    return { bot, logs };
  }

  it('gives everyone the commands anyone may run, and each admin all of them in its private chat', async () => {
    const { bot } = await startWith(['111', '222']);
    expect(fake.commands).toEqual(EVERYONE);
    expect(fake.commandsFor({ type: 'chat', chat_id: 111 })).toEqual(ALL);
    expect(fake.commandsFor({ type: 'chat', chat_id: 222 })).toEqual(ALL);
    expect([...fake.commandScopes.keys()].sort()).toEqual(['chat:111', 'chat:222', 'default']);
    expect(bot.health().state).toBe('ok');
  });

  it('warns about an admin id that is no numeric user id, names it, and sets the menu of the others', async () => {
    const { bot, logs } = await startWith(['@alice', '111', '-100123', 'U0123ABCD']);
    expect(fake.commands).toEqual(EVERYONE);
    expect(fake.commandsFor({ type: 'chat', chat_id: 111 })).toEqual(ALL);
    expect([...fake.commandScopes.keys()].sort()).toEqual(['chat:111', 'default']);
    // Only valid ids were asked for: no call with the bad ones.
    const scopes = fake.calls('setMyCommands').map((c) => (c.params.scope as { chat_id?: unknown } | undefined)?.chat_id);
    expect(scopes).toEqual([undefined, 111]);
    for (const bad of ['@alice', '-100123', 'U0123ABCD']) expect(logs()).toContain(`admin '${bad}' is not a numeric user id`);
    expect(bot.health().state).toBe('ok');
  });

  it('warns, naming the admin and the fix, when an admin never opened a chat with the bot, and goes on', async () => {
    const { bot, logs } = await startWith(['333', '111']);
    expect(fake.calls('setMyCommands').map((c) => c.status)).toEqual([200, 400, 200]);
    expect(fake.commandsFor({ type: 'chat', chat_id: 111 })).toEqual(ALL);
    expect(fake.commands).toEqual(EVERYONE);
    expect(logs()).toContain('admin command menu for admin 333');
    expect(logs()).toContain('chat not found');
    expect(logs()).toContain('open a private chat with the bot and send /start, then restart');
    expect(bot.health().state).toBe('ok');
  });

  it('sets no admin menus when there are no admin commands', async () => {
    await startWith(['111'], MENU.filter((c) => !c.admin));
    expect(fake.commands).toEqual(EVERYONE);
    expect([...fake.commandScopes.keys()]).toEqual(['default']);
  });

  it('clears an older default menu when every command is for admins', async () => {
    fake.commandScopes.set('default', ALL);
    await startWith(['111'], MENU.filter((c) => c.admin));
    expect(fake.commands).toEqual([]);
    expect(fake.commandsFor({ type: 'chat', chat_id: 111 })).toEqual(ALL.slice(2));
  });
});

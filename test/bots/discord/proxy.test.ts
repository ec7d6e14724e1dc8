// Everything the Discord bot says to Discord goes through the configured proxy, HTTP CONNECT or
// SOCKS5: the REST calls (the kit's HTTP client on the proxy agent) and the gateway WebSocket (ws agent, src/kit/ws-proxy.ts),
// resumes included. If a future @discordjs/ws stops reading `ws.WebSocket`, the gateway tests fail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import type { CommandInfo } from '../../../src/bot.js';
import type { DiscordBot } from '../../../bots/discord/discord.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { httpProxy, socksProxy, type RecordingProxy } from '../../helpers/proxies.js';
import { ctx, makeBot, makeHost, message } from './harness.js';

const CH = '400000000000000001';
const COMMANDS: CommandInfo[] = [{ name: 'whoami', description: 'Your ids', admin: false }];
const GATEWAY = /^GET \/gw\?v=10&encoding=json HTTP\/1\.1$/;
let fake: FakeDiscord;
let bot: DiscordBot | undefined;
let proxy: RecordingProxy | undefined;

beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await proxy?.close();
  proxy = undefined;
  await fake.stop();
});

describe('Discord REST through a proxy', () => {
  it.each([
    ['an HTTP CONNECT proxy', httpProxy],
    ['a SOCKS5 proxy', () => socksProxy('socks5h')],
  ])('sends through %s', async (_what, make) => {
    proxy = await make();
    ({ bot } = makeBot(fake, { proxy: proxy.url }));
    await bot.send({ chat: CH, kind: 'group' }, message(), ctx());
    expect(fake.sent(CH)).toHaveLength(1);
    expect(proxy.tunnels.map((t) => t.target)).toEqual([new URL(fake.url).host]);
    expect(proxy.requests()).toEqual([`POST /api/v10/channels/${CH}/messages HTTP/1.1`]);
  });

  it('fails a send as retryable when the proxy is down', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    ({ bot } = makeBot(fake, { proxy: `socks5://127.0.0.1:${port}` }));
    const err = await bot.send({ chat: CH, kind: 'group' }, message(), ctx()).catch((e) => e);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/cannot reach Discord/);
  });
});

describe('the Discord gateway through a proxy', () => {
  it.each([
    ['an HTTP CONNECT proxy', httpProxy],
    ['a SOCKS5 proxy', () => socksProxy('socks5')],
  ])('connects, answers a slash command and resumes through %s', async (_what, make) => {
    proxy = await make();
    ({ bot } = makeBot(fake, { proxy: proxy.url }));
    const { host, seen } = makeHost(async () => ({ text: 'you are you', ephemeral: true }), COMMANDS);
    await bot.start(host);
    await bot.ready;
    // The login (GET /gateway/bot) and the socket both went through the proxy.
    await proxy.waitFor(/^GET \/api\/v10\/gateway\/bot /);
    await proxy.waitFor(GATEWAY);
    expect(fake.gateway.connections).toBe(1);
    expect(proxy.requests().filter((l) => GATEWAY.test(l))).toHaveLength(1);

    const first = fake.interactions.dispatch({ name: 'whoami', user: { id: '300000000000000042', username: 'bob' }, channel: CH });
    expect((await first.responded).data.content).toBe('you are you');
    expect(seen).toHaveLength(1);

    // Discord asks for a reconnection: the library resumes from its own socket callback, which must
    // still use the proxy (the context follows the socket, not the call that started the bot).
    expect(fake.gateway.reconnect()).toBe(1);
    await fake.waitFor(() => fake.gateway.resumes === 1 && fake.gateway.connected === 1, 10_000);
    expect(fake.gateway.connections).toBe(2);
    await proxy.waitFor(GATEWAY, 2);

    const second = fake.interactions.dispatch({ name: 'whoami', user: { id: '300000000000000042', username: 'bob' }, channel: CH });
    expect((await second.responded).type).toBe(4);
    expect(seen).toHaveLength(2);
    expect(bot.health().state).toBe('ok');
  });

  // Two bots in one process: each keeps its own proxy (or none) and its own gateway session.
  it('connects the gateway directly without a proxy, and a proxied bot does not lend its proxy to another', async () => {
    proxy = await httpProxy();
    const other = new FakeDiscord();
    await other.start();
    const direct = makeBot(other, {}, 'plain').bot;
    try {
      ({ bot } = makeBot(fake, { proxy: proxy.url }));
      await bot.start(makeHost(async () => undefined, COMMANDS).host);
      await bot.ready;
      await direct.start(makeHost(async () => undefined, COMMANDS).host);
      await direct.ready;
      expect(other.gateway.connections).toBe(1);
      expect(fake.gateway.connections).toBe(1);
      expect(proxy.tunnels.map((t) => t.target)).not.toContain(new URL(other.url).host);
      expect(proxy.requests().filter((l) => GATEWAY.test(l))).toHaveLength(1);
    } finally {
      await direct.stop();
      await other.stop();
    }
  });
});

// Slash commands: registration, the gateway (@discordjs/ws, Guilds intent) and the HTTP endpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatCommand, CommandInfo, Reply } from '../../../src/bot.js';
import type { DiscordBot } from '../../../bots/discord/discord.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { serveKoaApp, type ServedApp } from '../../helpers/koa-app.js';
import { makeBot, makeHost } from './harness.js';

const COMMANDS: CommandInfo[] = [
  { name: 'whoami', description: 'Your ids', admin: false },
  { name: 'mute', description: 'Mute a source', admin: true, usage: '<source> <duration>' },
];

// Stands in for the command plane: whoami answers ephemerally, admin commands are refused.
async function plane(cmd: ChatCommand): Promise<Reply | undefined> {
  if (cmd.name === 'whoami') return { text: `**User:** \`${cmd.user.id}\` chat \`${cmd.chat.id}\`${cmd.chat.thread ? ' thread `' + cmd.chat.thread + '`' : ''}`, ephemeral: true };
  if (cmd.name === 'mute') return { text: 'Sorry, /mute is for admins.', ephemeral: true };
  if (cmd.name === 'long') return { text: 'word '.repeat(900) };
  if (cmd.name === 'slow') return gate.then(() => ({ text: 'done at last' }));
  if (cmd.name === 'slowfail') return gate.then(() => ({ text: 'Sorry, /slowfail failed: timed out', ephemeral: true }));
  return undefined;
}

let release!: () => void;
let gate = new Promise<void>((r) => (release = r));
let fake: FakeDiscord;
let bot: DiscordBot;
beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
});
afterEach(async () => {
  await bot?.stop();
  await fake.stop();
});

describe('Discord slash commands over the gateway', () => {
  it('registers the commands for the guild with an args option, connecting with the Guilds intent only', async () => {
    ({ bot } = makeBot(fake, { guildId: '500000000000000001' }));
    await bot.start(makeHost(plane, COMMANDS).host);
    await bot.ready;
    const cmds = fake.commands.guild.get('500000000000000001')!;
    expect(cmds.map((c) => c.name)).toEqual(['whoami', 'mute']);
    expect(cmds[1].options).toEqual([{ type: 3, name: 'args', description: '<source> <duration>', required: false }]);
    expect(fake.commands.global).toEqual([]);
    expect(fake.gateway.identifies.map((i) => i.intents)).toEqual([1]);
    expect(bot.health().state).toBe('ok');
  });

  it('registers global commands without a guildId', async () => {
    ({ bot } = makeBot(fake));
    await bot.start(makeHost(plane, COMMANDS).host);
    expect(fake.commands.global.map((c) => c.name)).toEqual(['whoami', 'mute']);
  });

  it('answers /whoami ephemerally with the user and channel ids', async () => {
    ({ bot } = makeBot(fake));
    const { host, seen } = makeHost(plane, COMMANDS);
    await bot.start(host);
    await bot.ready;
    const rec = fake.interactions.dispatch({ name: 'whoami', user: { id: '300000000000000042', username: 'bob' }, channel: '400000000000000005' });
    const res = await rec.responded;
    expect(res.type).toBe(4);
    expect(res.data.flags).toBe(64);
    expect(res.data.content).toContain('300000000000000042');
    expect(seen[0]).toMatchObject({ bot: 'discord', platform: 'discord', name: 'whoami', args: '', user: { id: '300000000000000042', name: 'bob' }, chat: { id: '400000000000000005', kind: 'group' } });
  });

  it('passes args, and a refusal is ephemeral', async () => {
    ({ bot } = makeBot(fake));
    const { host, seen } = makeHost(plane, COMMANDS);
    await bot.start(host);
    await bot.ready;
    const res = await fake.interactions.dispatch({ name: 'mute', args: '  bgi 1h ' }).responded;
    expect(seen[0]!.args).toBe('bgi 1h');
    expect(res.data).toMatchObject({ content: 'Sorry, /mute is for admins.', flags: 64 });
  });

  it('gives the thread and its channel for a command typed in a thread, and the user id in a DM', async () => {
    ({ bot } = makeBot(fake));
    const { host, seen } = makeHost(plane, COMMANDS);
    await bot.start(host);
    await bot.ready;
    await fake.interactions.dispatch({ name: 'whoami', channel: '400000000000000777', parent: '400000000000000005' }).responded;
    await fake.interactions.dispatch({ name: 'whoami', dm: true, user: { id: '300000000000000042' }, channel: '600000000000000001' }).responded;
    expect(seen[0]!.chat).toEqual({ id: '400000000000000005', thread: '400000000000000777', kind: 'group' });
    expect(seen[1]!.chat).toEqual({ id: '300000000000000042', kind: 'user' });
  });

  it('sends a reply over 2000 characters as the response plus follow-ups', async () => {
    ({ bot } = makeBot(fake));
    await bot.start(makeHost(plane, [...COMMANDS, { name: 'long', description: 'long', admin: false }]).host);
    await bot.ready;
    const rec = fake.interactions.dispatch({ name: 'long' });
    const res = await rec.responded;
    const words = () => [res.data.content, ...rec.followUps.map((f) => f.content)].join(' ').split('word').length - 1;
    await fake.waitFor(() => words() >= 900);
    expect(words()).toBe(900);
    expect(rec.followUps.length).toBe(2);
    for (const c of [res.data.content, ...rec.followUps.map((f) => f.content)]) expect(c.length).toBeLessThanOrEqual(2000);
  });

  it('defers a slow command within 3 s and edits the answer in when it is ready', async () => {
    ({ bot } = makeBot(fake));
    await bot.start(makeHost(plane, [...COMMANDS, { name: 'slow', description: 'slow', admin: false }]).host);
    await bot.ready;
    gate = new Promise<void>((r) => (release = r));
    const started = Date.now();
    const rec = fake.interactions.dispatch({ name: 'slow' });
    const res = await rec.responded;
    expect(res.type).toBe(5);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(rec.edits).toHaveLength(0);
    release();
    await fake.waitFor(() => rec.edits.length === 1);
    expect(rec.edits[0].content).toBe('done at last');
  });

  it('keeps a slow command\'s private answer private: the public deferral is deleted, the answer is an ephemeral follow-up', async () => {
    ({ bot } = makeBot(fake));
    await bot.start(makeHost(plane, [...COMMANDS, { name: 'slowfail', description: 'slow', admin: false }]).host);
    await bot.ready;
    gate = new Promise<void>((r) => (release = r));
    const rec = fake.interactions.dispatch({ name: 'slowfail' });
    const res = await rec.responded;
    expect(res.type).toBe(5);
    expect(res.data?.flags ?? 0).toBe(0);
    release();
    await fake.waitFor(() => rec.followUps.length === 1);
    expect(rec.deleted).toBe(true);
    expect(rec.edits).toHaveLength(0);
    expect(rec.followUps[0]).toMatchObject({ content: 'Sorry, /slowfail failed: timed out', flags: 64 });
  });

  it('is unhealthy when the token is refused, without throwing from start', async () => {
    ({ bot } = makeBot(fake));
    fake.token = 'some-other-token-some-other';
    await bot.start(makeHost(plane, COMMANDS).host);
    expect(bot.health().state).toBe('unhealthy');
  });
});

describe('Discord start-up when Discord is not reachable yet', () => {
  it('logs in to the gateway once it can be reached, after a failed login', async () => {
    let waitForLog: (re: RegExp) => Promise<string>;
    ({ bot, waitForLog } = makeBot(fake));
    bot.backoff = { firstMs: 20, maxMs: 20 };
    fake.failNext(/^\/gateway\/bot$/, { status: 502 }, 'GET');
    await bot.start(makeHost(plane, COMMANDS).host);
    await waitForLog(/gateway not connected; will try again/);
    expect(bot.health().state).not.toBe('unhealthy');
    await bot.ready;
    expect(fake.requests.filter((r) => r.path === '/api/v10/gateway/bot')).toHaveLength(2);
    expect(fake.gateway.identifies).toHaveLength(1);
    expect(bot.health().state).toBe('ok');
    const res = await fake.interactions.dispatch({ name: 'whoami' }).responded;
    expect(res.type).toBe(4);
  });

  it('is unhealthy, with the reason, when the gateway refuses the token (4004)', async () => {
    let waitForLog: (re: RegExp) => Promise<string>;
    ({ bot, waitForLog } = makeBot(fake));
    fake.gateway.closeOnIdentify = 4004;
    await bot.start(makeHost(plane, COMMANDS).host);
    await waitForLog(/gateway stopped/);
    expect(bot.health()).toMatchObject({ state: 'unhealthy', reason: expect.stringMatching(/token \(4004\)/) });
  });

  it('does not hold up start-up on a 429 for command registration, and registers when the wait is over', async () => {
    ({ bot } = makeBot(fake, { interactions: 'http', publicKey: fake.interactions.publicKeyHex }));
    fake.failNext(/\/commands$/, { status: 429, retryAfter: 0.3 }, 'PUT');
    await bot.start(makeHost(plane, COMMANDS).host);
    expect(fake.commands.global).toEqual([]);
    await fake.waitFor(() => fake.commands.global.length === 2);
    expect(fake.commands.global.map((c) => c.name)).toEqual(['whoami', 'mute']);
  });

  it('registers the commands later when Discord answered 5xx at start-up', async () => {
    ({ bot } = makeBot(fake, { interactions: 'http', publicKey: fake.interactions.publicKeyHex }));
    bot.backoff = { firstMs: 20, maxMs: 20 };
    fake.failNext(/\/commands$/, { status: 502 }, 'PUT');
    await bot.start(makeHost(plane, COMMANDS).host);
    await fake.waitFor(() => fake.commands.global.length === 2);
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('says how to fix a guildId the bot cannot register commands in', async () => {
    let waitForLog: (re: RegExp) => Promise<string>;
    ({ bot, waitForLog } = makeBot(fake, { guildId: '500000000000000009', interactions: 'http', publicKey: fake.interactions.publicKeyHex }));
    fake.failNext(/\/commands$/, { status: 403, code: 50001, message: 'Missing Access' }, 'PUT');
    await bot.start(makeHost(plane, COMMANDS).host);
    const line = await waitForLog(/could not register slash commands/);
    expect(line).toMatch(/500000000000000009.*applications\.commands/);
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});

describe('Discord HTTP interactions', () => {
  let app: ServedApp | undefined;
  let url: string;
  async function serve() {
    const { host, mounts } = makeHost(plane, COMMANDS);
    await bot.start(host);
    app = await serveKoaApp(mounts);
    url = app.url;
    return mounts;
  }
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const post = (body: string, headers: Record<string, string>) => fetch(url + '/discord/interactions', { method: 'POST', headers, body });

  it('mounts /discord/interactions and opens no gateway', async () => {
    ({ bot } = makeBot(fake, { interactions: 'http', publicKey: fake.interactions.publicKeyHex }));
    const mounts = await serve();
    expect(mounts.map((m) => `${m.method} ${m.path}`)).toEqual(['POST /discord/interactions']);
    expect(fake.requests.some((r) => r.path.includes('/gateway'))).toBe(false);
  });

  it('rejects a bad signature, a missing one and a stale timestamp with 401', async () => {
    ({ bot } = makeBot(fake, { interactions: 'http', publicKey: fake.interactions.publicKeyHex }));
    await serve();
    const body = JSON.stringify({ type: 1 });
    expect((await post(body, fake.interactions.sign(body, { bad: true }))).status).toBe(401);
    expect((await post(body, { 'content-type': 'application/json' })).status).toBe(401);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const stale = await post(body, fake.interactions.sign(body, { timestamp: old }));
    expect(stale.status).toBe(401);
    // Refused as every other request hookbot refuses: a JSON error, and a line in the log.
    expect(await stale.json()).toEqual({ error: 'invalid request signature' });
    const notJson = '{nope';
    expect((await post(notJson, fake.interactions.sign(notJson))).status).toBe(400);
    const refused = app!.logged.filter((l) => l.includes('request refused')).map((l) => JSON.parse(l) as { status: number; path: string });
    expect(refused.map((l) => [l.status, l.path])).toEqual([
      [401, '/discord/interactions'],
      [401, '/discord/interactions'],
      [401, '/discord/interactions'],
      [400, '/discord/interactions'],
    ]);
  });

  it('answers a signed PING with PONG', async () => {
    ({ bot } = makeBot(fake, { interactions: 'http', publicKey: fake.interactions.publicKeyHex }));
    await serve();
    const body = JSON.stringify({ type: 1, id: '1', application_id: fake.applicationId, token: 't', version: 1 });
    const res = await post(body, fake.interactions.sign(body));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it('answers a signed command in the response body (type 4)', async () => {
    ({ bot } = makeBot(fake, { interactions: 'http', publicKey: fake.interactions.publicKeyHex }));
    await serve();
    const rec = fake.interactions.build({ name: 'whoami', user: { id: '300000000000000042' } });
    const body = JSON.stringify(rec.payload);
    const res = await post(body, fake.interactions.sign(body));
    expect(res.status).toBe(200);
    const json = (await res.json()) as any;
    expect(json.type).toBe(4);
    expect(json.data.flags).toBe(64);
    expect(json.data.content).toContain('300000000000000042');
  });

  it('refuses interactions: http without a publicKey, naming the option', () => {
    expect(() => makeBot(fake, { interactions: 'http' })).toThrow(/publicKey/);
  });
});

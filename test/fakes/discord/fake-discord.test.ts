// The fake must behave like Discord where our adapter depends on it; these tests pin that down with the
// real @discordjs/rest client and plain fetch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordAPIError, RateLimitError, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { FakeDiscord } from './fake-discord.js';
import { validateMessage } from './limits.js';
import { WebSocket } from 'ws';

let fake: FakeDiscord;
let rest: REST;
beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
  rest = new REST({ api: fake.apiRoot, retries: 0, timeout: 5000, rejectOnRateLimit: ['/channels'] }).setToken(fake.token);
});
afterEach(async () => {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await fake.stop();
});

const CH = '400000000000000001';

describe('fake Discord REST', () => {
  it('stores a JSON message and answers with a message object', async () => {
    const res = (await rest.post(Routes.channelMessages(CH), { body: { content: 'hi', embeds: [{ title: 't' }] } })) as any;
    expect(res.channel_id).toBe(CH);
    expect(fake.sent(CH).map((m) => m.content)).toEqual(['hi']);
  });

  it('takes files[n] + payload_json and resolves attachment:// in embeds', async () => {
    const data = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await rest.post(Routes.channelMessages(CH), {
      body: { embeds: [{ image: { url: 'attachment://shot.png' } }], attachments: [{ id: 0, filename: 'shot.png' }] },
      files: [{ name: 'shot.png', data, contentType: 'image/png' }],
    });
    const [m] = fake.sent(CH);
    expect(m!.attachments[0]!.data.equals(data)).toBe(true);
    expect(m!.embeds[0].image.url).toBe(m!.attachments[0]!.url);
  });

  it.each([
    ['content over 2000', { content: 'x'.repeat(2001) }, ['content']],
    ['description over 4096', { embeds: [{ description: 'x'.repeat(4097) }] }, ['embeds', '0', 'description']],
    ['field value over 1024', { embeds: [{ fields: [{ name: 'n', value: 'x'.repeat(1025) }] }] }, ['embeds', '0', 'fields', '0', 'value']],
    ['title over 256', { embeds: [{ title: 'x'.repeat(257) }] }, ['embeds', '0', 'title']],
    ['more than 10 embeds', { embeds: Array.from({ length: 11 }, () => ({ title: 'a' })) }, ['embeds']],
    ['more than 6000 in total', { embeds: [{ description: 'x'.repeat(4000) }, { description: 'y'.repeat(2001) }] }, ['embeds']],
    ['26 fields', { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'a', value: 'b' })) }] }, ['embeds', '0', 'fields']],
    ['nonce over 25', { content: 'a', nonce: 'n'.repeat(26) }, ['nonce']],
  ])('refuses %s with 400 Invalid Form Body (50035)', async (_name, body, path) => {
    const err = (await rest.post(Routes.channelMessages(CH), { body }).catch((e: any) => e)) as any;
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect(err.status).toBe(400);
    expect(err.code).toBe(50035);
    let node: any = err.rawError.errors;
    for (const p of path) node = node[p];
    expect(node._errors.length).toBeGreaterThan(0);
    expect(fake.sent(CH)).toHaveLength(0);
  });

  it('accepts a message exactly at the limits', () => {
    expect(validateMessage({ content: 'x'.repeat(2000), embeds: [{ title: 't'.repeat(256), description: 'd'.repeat(4096), fields: [{ name: 'n', value: 'v'.repeat(1024) }] }] })).toBeUndefined();
  });

  it('refuses an empty message with 50006', async () => {
    const err: any = await rest.post(Routes.channelMessages(CH), { body: { content: '  ' } }).catch((e: any) => e);
    expect(err.code).toBe(50006);
  });

  it('dedups on nonce when enforce_nonce is set', async () => {
    const a = (await rest.post(Routes.channelMessages(CH), { body: { content: 'once', nonce: 'k1', enforce_nonce: true } })) as any;
    const b = (await rest.post(Routes.channelMessages(CH), { body: { content: 'once', nonce: 'k1', enforce_nonce: true } })) as any;
    expect(b.id).toBe(a.id);
    expect(fake.sent(CH)).toHaveLength(1);
  });

  it('maps unknown and forbidden channels to 404 10003 and 403 50001', async () => {
    fake.missing.add('400000000000000404');
    fake.forbidden.add('400000000000000403');
    const e404: any = await rest.post(Routes.channelMessages('400000000000000404'), { body: { content: 'a' } }).catch((e: any) => e);
    const e403: any = await rest.post(Routes.channelMessages('400000000000000403'), { body: { content: 'a' } }).catch((e: any) => e);
    expect([e404.status, e404.code]).toEqual([404, 10003]);
    expect([e403.status, e403.code]).toEqual([403, 50001]);
  });

  it('refuses a wrong token with 401', async () => {
    const bad = new REST({ api: fake.apiRoot, retries: 0 }).setToken('wrong-token-wrong-token');
    const err: any = await bad.post(Routes.channelMessages(CH), { body: { content: 'a' } }).catch((e: any) => e);
    bad.clearHashSweeper();
    bad.clearHandlerSweeper();
    expect(err.status).toBe(401);
  });

  it('opens one DM channel per user and returns it again', async () => {
    const a = (await rest.post(Routes.userChannels(), { body: { recipient_id: '300000000000000002' } })) as any;
    const b = (await rest.post(Routes.userChannels(), { body: { recipient_id: '300000000000000002' } })) as any;
    expect(a.id).toBe(b.id);
    expect(a.type).toBe(1);
    expect(fake.dmOpens.get('300000000000000002')).toBe(2);
  });

  it('answers a scripted 429 with consistent headers, which the client turns into RateLimitError', async () => {
    fake.failNext(/^\/channels\/\d+\/messages$/, { status: 429, retryAfter: 2.5 });
    const raw = await fetch(`${fake.apiRoot}/v10/channels/${CH}/messages`, { method: 'POST', headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' }, body: '{"content":"a"}' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('3');
    expect(raw.headers.get('x-ratelimit-reset-after')).toBe('2.5');
    expect(((await raw.json()) as any).retry_after).toBe(2.5);
    fake.failNext(/^\/channels\/\d+\/messages$/, { status: 429, retryAfter: 2 });
    const err: any = await rest.post(Routes.channelMessages(CH), { body: { content: 'a' } }).catch((e: any) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfter).toBeGreaterThanOrEqual(2000);
  });

  it('limits each channel separately when a per-channel rate is set', async () => {
    fake.limitChannels(1, 60_000);
    const send = (ch: string) => fetch(`${fake.apiRoot}/v10/channels/${ch}/messages`, { method: 'POST', headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' }, body: '{"content":"a"}' });
    expect((await send(CH)).status).toBe(200);
    const limited = await send(CH);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await send('400000000000000002')).status).toBe(200);
  });

  it('stores application commands (global and guild) and validates them', async () => {
    const body = [{ name: 'whoami', description: 'who', type: 1 }];
    const global = (await rest.put(Routes.applicationCommands(fake.applicationId), { body })) as any[];
    await rest.put(Routes.applicationGuildCommands(fake.applicationId, '500000000000000001'), { body });
    expect(global[0].id).toMatch(/^\d+$/);
    expect(fake.commands.guild.get('500000000000000001')![0].name).toBe('whoami');
    const err: any = await rest.put(Routes.applicationCommands(fake.applicationId), { body: [{ name: 'Bad Name', description: '' }] }).catch((e: any) => e);
    expect(err.code).toBe(50035);
  });

  it('answers an interaction callback with 204 and no content-type, once', async () => {
    const rec = fake.interactions.build({ name: 'whoami' });
    const url = `${fake.apiRoot}/v10/interactions/${rec.id}/${rec.token}/callback`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":4,"data":{"content":"hi"}}' });
    expect(res.status).toBe(204);
    expect(res.headers.get('content-type')).toBeNull();
    expect((await rec.responded).data.content).toBe('hi');
    const again = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":4,"data":{"content":"hi"}}' });
    expect(((await again.json()) as any).code).toBe(40060);
  });
});

describe('fake Discord gateway', () => {
  // A raw client, so the protocol itself is pinned down (discord.js hides it).
  async function connect() {
    const info = (await rest.get(Routes.gatewayBot())) as any;
    const ws = new WebSocket(`${info.url}?v=10&encoding=json`);
    const frames: any[] = [];
    let wake = () => {};
    ws.on('message', (raw) => {
      frames.push(JSON.parse(String(raw)));
      wake();
    });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    const next = async (op: number) => {
      for (;;) {
        const i = frames.findIndex((f) => f.op === op);
        if (i >= 0) return frames.splice(i, 1)[0];
        await new Promise<void>((r) => (wake = r));
      }
    };
    return { ws, next, closed };
  }
  const identify = (token: string) => JSON.stringify({ op: 2, d: { token, intents: 1, properties: { os: 'linux', browser: 't', device: 't' } } });

  it('says HELLO, ACKs heartbeats, answers IDENTIFY with READY and dispatches INTERACTION_CREATE', async () => {
    const c = await connect();
    expect((await c.next(10)).d.heartbeat_interval).toBeGreaterThan(0);
    c.ws.send(JSON.stringify({ op: 1, d: null }));
    expect((await c.next(11)).op).toBe(11);
    c.ws.send(identify(fake.token));
    const ready = await c.next(0);
    expect(ready).toMatchObject({ t: 'READY', s: 1, d: { v: 10, user: { id: fake.botUser.id, bot: true }, guilds: [] } });
    expect(fake.gateway.identifies).toEqual([{ intents: 1 }]);
    const rec = fake.interactions.dispatch({ name: 'whoami', args: 'x' });
    const ev = await c.next(0);
    expect(ev).toMatchObject({ t: 'INTERACTION_CREATE', s: 2, d: { id: rec.id, type: 2, data: { name: 'whoami', options: [{ name: 'args', value: 'x' }] } } });
    c.ws.close();
    await c.closed;
  });

  it('closes with 4004 on a wrong token', async () => {
    const c = await connect();
    await c.next(10);
    c.ws.send(identify('wrong-token-wrong-token'));
    expect(await c.closed).toBe(4004);
    expect(fake.gateway.connected).toBe(0);
  });
});

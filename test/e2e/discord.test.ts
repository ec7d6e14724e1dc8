// End to end with the real process against the fake Discord: notices as embeds, a screenshot as an
// attachment, DMs, a 429 on one channel, and slash commands through the gateway; then all of it
// through an HTTP and a SOCKS5 proxy.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { embedChars } from '../fakes/discord/limits.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { PNG } from '../helpers/images.js';
import { httpProxy, socksProxy, type RecordingProxy } from '../helpers/proxies.js';
import { startTaskApp, type TaskApp } from '../helpers/task-app.js';
import { LEVEL_COLORS } from '../../bots/discord/embeds.js';

const TOKEN = 'e2e-discord-report-token-0123456789';
const ADMIN = '300000000000000001';
const OPS = '400000000000000010';
const ALERTS = '400000000000000016';

describe('Discord end to end (gateway)', () => {
  let fake: FakeDiscord;
  let hb: RunningHookbot;
  // The app behind a custom command.
  let app: TaskApp;
  beforeAll(async () => {
    app = await startTaskApp();
    const appUrl = app.url('/run');
    fake = new FakeDiscord();
    await fake.start();
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  discord: { platform: discord, token: "\${DISCORD_BOT_TOKEN}", applicationId: "${fake.applicationId}", guildId: "500000000000000001", apiRoot: "${fake.apiRoot}", admins: ["${ADMIN}"] }
sources:
  report: { format: report, token: ${TOKEN} }
  am: { format: alertmanager, token: ${TOKEN}, to_group: ["discord:${ALERTS}"] }
commands:
  - name: run
    description: Start a task group
    request: { method: POST, url: "${appUrl}", body: '{"group": "{{ args }}"}' }
    reply: "Started {{ json.started }}"
`,
      env: { DISCORD_BOT_TOKEN: fake.token },
    });
    await fake.gateway.waitForIdentify(20_000);
  }, 60_000);
  afterAll(async () => {
    await hb?.stop();
    await fake?.stop();
    await app?.close();
  });

  it('registered the slash commands in the guild', () => {
    const names = fake.commands.guild.get('500000000000000001')!.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['whoami', 'help', 'test', 'mute']));
  });

  it('delivers a report as an embed with the colour of its level', async () => {
    const res = await hb.post('/report', { token: TOKEN, title: 'Backup *done*', content: 'db1 & db2 finished', result: 'failed', send_to_group: `discord:${OPS}` });
    expect(res.status).toBe(202);
    const m = await fake.waitFor(() => fake.sent(OPS)[0], 15_000);
    expect(m.embeds[0].title).toBe('Backup \\*done\\*');
    expect(m.embeds[0].description).toContain('db1 & db2 finished');
    expect(m.embeds[0].color).toBe(LEVEL_COLORS.error);
    expect(m.nonce).toBeTruthy();
    expect(hb.logs()).not.toContain(fake.token);
  });

  it('delivers an Alertmanager alert as an embed with its fields, in the warning colour', async () => {
    const body = JSON.parse(readFileSync(new URL('../fixtures/alertmanager/firing.json', import.meta.url), 'utf8'));
    const res = await fetch(hb.url + '/hooks/am', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    const [e] = (await fake.waitFor(() => fake.sent(ALERTS)[0], 15_000)).embeds;
    expect(e.color).toBe(LEVEL_COLORS.warning);
    expect(e.title).toContain('HighMemory');
    expect(e.fields).toEqual([expect.objectContaining({ name: expect.stringContaining('HighMemory (node1:9100)'), value: expect.stringContaining('Memory > 90% on node1') })]);
    expect(e.timestamp).toBe('2024-05-01T10:00:00.000Z');
  });

  it('sends a screenshot as an attachment shown in the embed', async () => {
    const CH = '400000000000000011';
    expect((await hb.post('/report', { token: TOKEN, title: 'Screen', content: 'see image', screenshot: PNG.toString('base64'), send_to_group: `discord:${CH}` })).status).toBe(202);
    const m = await fake.waitFor(() => fake.sent(CH)[0], 15_000);
    expect(m.attachments[0]!.data).toEqual(PNG);
    expect(m.embeds[0].image.url).toBe(m.attachments[0]!.url);
  });

  it('splits a long report into messages within the limits', async () => {
    const CH = '400000000000000012';
    const content = Array.from({ length: 300 }, (_, i) => `line ${i}: ${'x'.repeat(40)}`).join('\n');
    expect((await hb.post('/report', { token: TOKEN, title: 'Long', content, send_to_group: `discord:${CH}` })).status).toBe(202);
    await fake.waitFor(() => fake.sent(CH).flatMap((m) => m.embeds).some((e) => (e.description ?? '').includes('line 299')), 15_000);
    for (const m of fake.sent(CH)) expect(embedChars(m.embeds)).toBeLessThanOrEqual(6000);
    const text = fake.sent(CH).flatMap((m) => m.embeds.map((e) => e.description ?? '')).join('\n');
    for (let i = 0; i < 300; i++) expect(text).toContain(`line ${i}:`);
  });

  it('opens the DM with a user once', async () => {
    const U = '300000000000000077';
    for (const content of ['one', 'two']) expect((await hb.post('/report', { token: TOKEN, content, send_to: `discord:${U}` })).status).toBe(202);
    await fake.waitFor(() => fake.sent(fake.dmChannels.get(U) ?? '-').length === 2, 15_000);
    expect(fake.dmOpens.get(U)).toBe(1);
  });

  it('waits out a 429 on one channel while another channel is served', async () => {
    const SLOW = '400000000000000013';
    const FAST = '400000000000000014';
    fake.failNext(new RegExp(`^/channels/${SLOW}/messages$`), { status: 429, retryAfter: 2 });
    expect((await hb.post('/report', { token: TOKEN, content: 'slow', send_to_group: `discord:${SLOW}` })).status).toBe(202);
    await fake.waitFor(() => fake.requests.some((r) => r.path.endsWith(`/channels/${SLOW}/messages`)), 15_000);
    expect((await hb.post('/report', { token: TOKEN, content: 'fast', send_to_group: `discord:${FAST}` })).status).toBe(202);
    const fast = await fake.waitFor(() => fake.sent(FAST)[0], 15_000);
    const slow = await fake.waitFor(() => fake.sent(SLOW)[0], 15_000);
    const tries = fake.requests.filter((r) => r.path.endsWith(`/channels/${SLOW}/messages`));
    expect(tries).toHaveLength(2);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(BigInt(fast.id) < BigInt(slow.id)).toBe(true);
  });

  it('answers /whoami privately with the ids', async () => {
    const rec = fake.interactions.dispatch({ name: 'whoami', user: { id: '300000000000000042', username: 'bob' }, channel: OPS });
    const res = await rec.responded;
    expect(res.type).toBe(4);
    expect(res.data.flags).toBe(64);
    expect(res.data.content).toContain('300000000000000042');
    expect(res.data.content).toContain(`discord:${OPS}`);
  });

  it('refuses an admin command to a non-admin, privately', async () => {
    const res = await fake.interactions.dispatch({ name: 'mute', args: 'report 1h', user: { id: '300000000000000042' }, channel: OPS }).responded;
    expect(res.data.flags).toBe(64);
    expect(res.data.content).toMatch(/admins/);
  });

  it('runs /test for an admin: the test notice arrives in the channel', async () => {
    const CH = '400000000000000015';
    const res = await fake.interactions.dispatch({ name: 'test', user: { id: ADMIN }, channel: CH }).responded;
    expect(res.data.content).toMatch(/queued/);
    const m = await fake.waitFor(() => fake.sent(CH)[0], 15_000);
    expect(m.embeds[0].title).toBe('hookbot test');
  });

  it('registers a custom command as a slash command and runs it for an admin', async () => {
    expect(fake.commands.guild.get('500000000000000001')!.find((c) => c.name === 'run')).toMatchObject({ description: 'Start a task group' });
    const res = await fake.interactions.dispatch({ name: 'run', args: 'daily', user: { id: ADMIN }, channel: OPS }).responded;
    expect(res.type).toBe(4);
    expect(res.data.content).toContain('Started daily');
    expect(app.calls.at(-1)?.body).toBe('{"group": "daily"}');
  });

  it('refuses the custom command to a non-admin without calling the app', async () => {
    const before = app.calls.length;
    const res = await fake.interactions.dispatch({ name: 'run', args: 'daily', user: { id: '300000000000000042' }, channel: OPS }).responded;
    expect(res.data.flags).toBe(64);
    expect(res.data.content).toMatch(/admins/);
    expect(app.calls).toHaveLength(before);
  });
});

// Where Discord is reachable only through a proxy: the REST calls and the gateway WebSocket
// (slash commands), resumes included, all go through the bot's `proxy`.
describe.each([
  ['an HTTP CONNECT proxy', httpProxy],
  ['a SOCKS5 proxy (names resolved by the proxy)', () => socksProxy('socks5h')],
])('Discord end to end through %s', (_what, makeProxy) => {
  const GATEWAY = /^GET \/gw\?v=10&encoding=json HTTP\/1\.1$/;
  let fake: FakeDiscord;
  let proxy: RecordingProxy;
  let hb: RunningHookbot;
  beforeAll(async () => {
    fake = new FakeDiscord();
    await fake.start();
    proxy = await makeProxy();
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  discord: { platform: discord, token: "\${DISCORD_BOT_TOKEN}", applicationId: "${fake.applicationId}", guildId: "500000000000000001", apiRoot: "${fake.apiRoot}", proxy: "${proxy.url}", admins: ["${ADMIN}"] }
sources:
  report: { format: report, token: ${TOKEN} }
`,
      env: { DISCORD_BOT_TOKEN: fake.token },
    });
    await fake.gateway.waitForIdentify(20_000);
  }, 60_000);
  afterAll(async () => {
    await hb?.stop();
    await proxy?.close();
    await fake?.stop();
  });

  it('registered the commands and opened the gateway through the proxy', async () => {
    await proxy.waitFor(/^PUT \/api\/v10\/applications\/\d+\/guilds\/500000000000000001\/commands /);
    await proxy.waitFor(GATEWAY);
    expect(proxy.tunnels.every((t) => t.target === new URL(fake.url).host)).toBe(true);
    expect(fake.gateway.connections).toBe(1);
  });

  it('delivers a report through the proxy', async () => {
    const res = await hb.post('/report', { token: TOKEN, title: 'Proxied', content: 'through the proxy', send_to_group: `discord:${OPS}` });
    expect(res.status).toBe(202);
    const m = await fake.waitFor(() => fake.sent(OPS)[0], 15_000);
    expect(m.embeds[0].title).toBe('Proxied');
    await proxy.waitFor(new RegExp(`^POST /api/v10/channels/${OPS}/messages `));
  });

  it('answers an admin /test over the proxied gateway, and the test notice arrives', async () => {
    const CH = '400000000000000017';
    const res = await fake.interactions.dispatch({ name: 'test', user: { id: ADMIN }, channel: CH }).responded;
    expect(res.data.content).toMatch(/queued/);
    const m = await fake.waitFor(() => fake.sent(CH)[0], 15_000);
    expect(m.embeds[0].title).toBe('hookbot test');
  });

  it('resumes through the proxy when Discord asks it to reconnect, and commands still work', async () => {
    expect(fake.gateway.reconnect()).toBe(1);
    await fake.waitFor(() => fake.gateway.resumes === 1 && fake.gateway.connected === 1, 20_000);
    await proxy.waitFor(GATEWAY, 2, 20_000);
    expect(fake.gateway.connections).toBe(2);
    const res = await fake.interactions.dispatch({ name: 'whoami', user: { id: '300000000000000042', username: 'bob' }, channel: OPS }).responded;
    expect(res.data.content).toContain('300000000000000042');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { BotHost, ChatCommand, HttpMount, Reply } from '../../../src/bot.js';
import { serveKoaApp, type ServedApp } from '../../helpers/koa-app.js';
import { postSignedForm, postSignedJson } from '../../fakes/slack/sign.js';
import { slashCommandPayload } from '../../fakes/slack/socket-mode.js';
import { parseMarkup } from '../../../src/render/markup.js';
import { ctx, message, slackHarness } from './harness.js';

let h: Awaited<ReturnType<typeof slackHarness>>;
let app: ServedApp | undefined;
afterEach(async () => {
  await h?.close();
  await app?.close();
  app = undefined;
});

/** A command plane stand-in: records commands and answers whoami privately, status publicly. */
function host(slow?: Promise<void>) {
  const seen: ChatCommand[] = [];
  const mounts: HttpMount[] = [];
  let reach!: () => void;
  /** Resolves when the slow command has started. */
  const reached = new Promise<void>((r) => (reach = r));
  const h: BotHost = {
    async onCommand(cmd): Promise<Reply | undefined> {
      seen.push(cmd);
      if (cmd.name === 'whoami') return { text: `user \`${cmd.user.id}\` in \`${cmd.chat.id}\``, ephemeral: true };
      if (cmd.name === 'slow') {
        reach();
        await slow;
        return { text: 'done **late**' };
      }
      return { text: `**${cmd.name}** ${cmd.args} <ok> & fine` };
    },
    commands: () => [],
    mount: (m) => mounts.push(m),
  };
  return { host: h, seen, mounts, reached };
}

describe('Slack commands over Socket Mode', () => {
  it('answers /hookbot whoami ephemerally in the ack and /hookbot status in the channel', async () => {
    h = await slackHarness({ appToken: 'xapp-fake-app-token-0123456789' });
    const plane = host();
    await h.bot.start(plane.host);
    expect(h.bot.health().state).toBe('ok');
    await h.fake.socket.connected();

    const who = await h.fake.socket.slashCommand({ text: 'whoami', user_id: 'U0BOB', channel_id: 'C0OPS' });
    expect(who.payload).toEqual({ response_type: 'ephemeral', text: 'user `U0BOB` in `C0OPS`' });
    expect(plane.seen[0]).toMatchObject({ bot: 'slack', platform: 'slack', name: 'whoami', args: '', user: { id: 'U0BOB' }, chat: { id: 'C0OPS', kind: 'group' } });

    const status = await h.fake.socket.slashCommand({ text: 'Status  now &amp; then', channel_id: 'D0DM' });
    expect(status.payload).toEqual({ response_type: 'in_channel', text: '*status* now &amp; then &lt;ok&gt; &amp; fine' });
    expect(plane.seen[1]).toMatchObject({ name: 'status', args: 'now & then', chat: { id: 'D0DM', kind: 'user' } });
  });

  it('treats a bare /hookbot as help', async () => {
    h = await slackHarness({ appToken: 'xapp-fake-app-token-0123456789' });
    const plane = host();
    await h.bot.start(plane.host);
    await h.fake.socket.connected();
    await h.fake.socket.slashCommand({ text: '' });
    expect(plane.seen[0]).toMatchObject({ name: 'help', args: '' });
  });

  /** `/hookbot slow` sent over Socket Mode; resolves once the command has started (its deadline is set). */
  async function slowCommand() {
    h = await slackHarness({ appToken: 'xapp-fake-app-token-0123456789' });
    let release!: () => void;
    const plane = host(new Promise<void>((r) => (release = r)));
    await h.bot.start(plane.host);
    await h.fake.socket.connected();
    const acked = h.fake.socket.slashCommand({ text: 'slow' }, 2000);
    await plane.reached;
    return { acked, release };
  }

  it('acks at once and answers through response_url when the command is slower than 2.5 s of the bot clock', async () => {
    const { acked, release } = await slowCommand();
    // Past the deadline on the bot's clock: no real waiting.
    h.clock.advance(2500);
    const ack = await acked;
    expect(ack.payload?.text).toBeUndefined();
    expect(h.fake.responses).toEqual([]);
    release();
    const posted = await h.fake.waitFor(() => h.fake.responses[0]);
    expect(posted.body).toMatchObject({ response_type: 'in_channel', text: 'done *late*' });
  });

  it('answers in the ack a command that finishes just before the deadline', async () => {
    const { acked, release } = await slowCommand();
    h.clock.advance(2499);
    release();
    expect((await acked).payload).toEqual({ response_type: 'in_channel', text: 'done *late*' });
    expect(h.fake.responses).toEqual([]);
  });

  it('takes @hookbot mentions and answers in the thread, privately when the reply is ephemeral', async () => {
    h = await slackHarness({ appToken: 'xapp-fake-app-token-0123456789' });
    const plane = host();
    await h.bot.start(plane.host);
    await h.fake.socket.connected();

    await h.fake.socket.mention({ text: `<@${h.fake.botUserId}> status <https://x.example/a|x.example/a>`, user: 'U0BOB', channel: 'C0OPS' });
    const reply = await h.fake.waitFor(() => h.fake.messages[0]);
    expect(plane.seen[0]).toMatchObject({ name: 'status', args: 'https://x.example/a', user: { id: 'U0BOB' }, chat: { id: 'C0OPS', kind: 'group' } });
    expect(reply).toMatchObject({ channel: 'C0OPS', text: '*status* https://x.example/a &lt;ok&gt; &amp; fine' });
    expect(reply.thread_ts).toBeDefined();

    await h.fake.socket.mention({ text: `<@${h.fake.botUserId}> whoami`, user: 'U0BOB', channel: 'C0OPS', thread_ts: '1700000000.000001' });
    const eph = await h.fake.waitFor(() => h.fake.ephemeral[0]);
    expect(eph).toMatchObject({ channel: 'C0OPS', user: 'U0BOB', thread_ts: '1700000000.000001', text: 'user `U0BOB` in `C0OPS`' });
    expect(plane.seen[1]!.chat).toEqual({ id: 'C0OPS', thread: '1700000000.000001', kind: 'group' });
  });

  it('marks the bot unhealthy, without its token in the reason, when the bot token is refused', async () => {
    h = await slackHarness({ appToken: 'xapp-fake-app-token-0123456789', token: 'xoxb-wrong-token-000000000000' });
    await h.bot.start(host().host);
    expect(h.bot.health()).toMatchObject({ state: 'unhealthy' });
    expect(h.bot.health().reason).toContain('invalid_auth');
    expect(h.logs()).not.toContain('xoxb-wrong-token-000000000000');
    expect(h.fake.socket.connections).toBe(0);
  });
});

/** hookbot's own Koa app (body limit, error answers and logging) with the bot's routes mounted. */
async function koaWith(mounts: HttpMount[]): Promise<string> {
  app = await serveKoaApp(mounts);
  return app.url;
}

describe('Slack commands over HTTP mode', () => {
  const secret = 'abcdef0123456789abcdef0123456789';

  it('accepts a correctly signed slash command and rejects bad or stale signatures', async () => {
    h = await slackHarness({ signingSecret: secret });
    const plane = host();
    await h.bot.start(plane.host);
    expect(plane.mounts.map((m) => `${m.method} ${m.path}`)).toEqual(['POST /slack/events']);
    const url = (await koaWith(plane.mounts)) + '/slack/events';
    const fields = slashCommandPayload(h.fake, { text: 'whoami', user_id: 'U0BOB', channel_id: 'C0OPS' });

    // Signed at the bot's clock: the replay window is measured with it.
    const now = Math.floor(h.clock.now() / 1000);
    const good = await postSignedForm(url, secret, fields, { timestamp: now - 4 * 60 });
    expect(good.status).toBe(200);
    expect(good.json).toEqual({ response_type: 'ephemeral', text: 'user `U0BOB` in `C0OPS`' });
    expect(good.ms).toBeLessThan(3000);

    const bad = await postSignedForm(url, secret, fields, { timestamp: now, secret: 'not-the-secret-0000000000000000' });
    expect(bad.status).toBe(401);
    const stale = await postSignedForm(url, secret, fields, { timestamp: now - 6 * 60 });
    expect(stale).toMatchObject({ status: 401, body: expect.stringMatching(/360 s old/) });
    // Answered and logged as every refused request of the server is: a wrong signing secret shows in the log.
    expect(stale.json).toEqual({ error: expect.stringMatching(/360 s old/) });
    expect(app!.logged.join('')).toMatch(/request refused.*360 s old|360 s old.*request refused/);
    const ahead = await postSignedForm(url, secret, fields, { timestamp: now + 6 * 60 });
    expect(ahead.status).toBe(401);
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.text()).not.toContain(secret);
    expect(plane.seen).toHaveLength(1);
  });
});

describe('Slack events over HTTP mode', () => {
  const secret = 'abcdef0123456789abcdef0123456789';

  it('answers the URL verification challenge and takes a signed app_mention', async () => {
    h = await slackHarness({ signingSecret: secret });
    const plane = host();
    await h.bot.start(plane.host);
    const url = (await koaWith(plane.mounts)) + '/slack/events';

    const timestamp = Math.floor(h.clock.now() / 1000);
    const challenge = await postSignedJson(url, secret, { token: 'legacy', challenge: 'c-123', type: 'url_verification' }, { timestamp });
    expect(challenge).toMatchObject({ status: 200, json: { challenge: 'c-123' } });

    const event = {
      token: 'legacy',
      team_id: h.fake.teamId,
      api_app_id: 'A0HOOK',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1700000000,
      authorizations: [{ team_id: h.fake.teamId, user_id: h.fake.botUserId, is_bot: true }],
      event: { type: 'app_mention', user: 'U0BOB', text: `<@${h.fake.botUserId}> status`, ts: '1700000000.000050', channel: 'C0OPS', event_ts: '1700000000.000050' },
    };
    expect((await postSignedJson(url, secret, event, { timestamp, secret: 'not-the-secret-0000000000000000' })).status).toBe(401);
    expect(await postSignedJson(url, secret, event, { timestamp })).toMatchObject({ status: 200, body: '' });
    const reply = await h.fake.waitFor(() => h.fake.messages[0]);
    expect(reply).toMatchObject({ channel: 'C0OPS', thread_ts: '1700000000.000050', text: expect.stringMatching(/^\*status\*/) });
    expect(plane.seen.map((c) => c.name)).toEqual(['status']);
  });
});

describe('Slack HTTP mode, other requests', () => {
  const secret = 'abcdef0123456789abcdef0123456789';

  it('acknowledges interactions and certificate checks with an empty 200, and refuses a body it cannot read', async () => {
    h = await slackHarness({ signingSecret: secret });
    const plane = host();
    await h.bot.start(plane.host);
    const url = (await koaWith(plane.mounts)) + '/slack/events';
    const timestamp = Math.floor(h.clock.now() / 1000);

    const click = await postSignedForm(url, secret, { payload: JSON.stringify({ type: 'block_actions', actions: [] }) }, { timestamp });
    expect(click).toMatchObject({ status: 200, body: '' });
    expect(await postSignedForm(url, secret, { ssl_check: '1', token: 'legacy' }, { timestamp })).toMatchObject({ status: 200, body: '' });
    expect((await postSignedForm(url, secret, { payload: '{not json' }, { timestamp })).status).toBe(400);
    expect((await postSignedJson(url, secret, [1, 2], { timestamp })).status).toBe(400);
    expect(plane.seen).toHaveLength(0);
  });

  it('answers 503 once the bot is stopped', async () => {
    h = await slackHarness({ signingSecret: secret });
    const plane = host();
    await h.bot.start(plane.host);
    const url = (await koaWith(plane.mounts)) + '/slack/events';
    await h.bot.stop();
    const fields = slashCommandPayload(h.fake, { text: 'whoami' });
    expect((await postSignedForm(url, secret, fields, { timestamp: Math.floor(h.clock.now() / 1000) })).status).toBe(503);
    expect(plane.seen).toHaveLength(0);
  });
});

describe('Slack commands when Socket Mode cannot connect', () => {
  it('reports a refused app-level token as unhealthy without leaking it, and keeps delivering', async () => {
    h = await slackHarness({ appToken: 'xapp-not-the-right-app-token-000' });
    await h.bot.start(host().host);
    expect(h.bot.health().state).toBe('unhealthy');
    expect(h.bot.health().reason).toMatch(/invalid_auth/);
    expect(h.logs()).not.toContain('xapp-not-the-right-app-token-000');
    expect(h.fake.socket.connections).toBe(0);
    // Deliveries do not depend on the app-level token, and a sent message does not hide the command problem.
    await h.bot.send({ chat: 'C0OPS', kind: 'group' }, message({ body: parseMarkup('still here') }), ctx());
    expect(h.fake.messages).toHaveLength(1);
    expect(h.bot.health()).toMatchObject({ state: 'unhealthy', reason: expect.stringMatching(/^commands: /) });
    await h.bot.stop();
    expect(h.bot.health().state).toBe('stopped');
  });
});

// End to end with the real process against the fake Slack: delivery as Block Kit, the upload flow,
// DMs, a 429 on one channel, and commands over Socket Mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, blockTexts, validateBlocks } from '../fakes/slack/blocks.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { PNG } from '../helpers/images.js';
import { startTaskApp, type TaskApp } from '../helpers/task-app.js';

const TOKEN = 'e2e-slack-report-token-0123456789';

describe('Slack end to end (Socket Mode)', () => {
  let fake: FakeSlack;
  let hb: RunningHookbot;
  // The local app behind a custom command.
  let app: TaskApp;
  beforeAll(async () => {
    app = await startTaskApp();
    const appUrl = app.url('/start');
    fake = new FakeSlack();
    await fake.start();
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  slack: { platform: slack, token: ${fake.botToken}, appToken: "\${SLACK_APP_TOKEN}", apiRoot: "${fake.apiUrl}", admins: [U0ADMIN] }
sources:
  report: { format: report, token: ${TOKEN} }
commands:
  - name: run
    description: Start a task group
    request: { method: POST, url: "${appUrl}", headers: { Content-Type: application/json }, body: '{"group": "{{ args }}"}' }
    reply: "Started **{{ json.started }}**"
`,
      env: { SLACK_APP_TOKEN: fake.appToken },
    });
    await fake.socket.connected(15_000);
  }, 60_000);
  afterAll(async () => {
    await hb?.stop();
    await fake?.stop();
    await app?.close();
  });

  it('delivers a report as blocks with a fallback text', async () => {
    const res = await hb.post('/report', { token: TOKEN, title: 'Backup <done>', content: 'db1 & db2 finished', send_to_group: 'slack:C0OPS' });
    expect(res.status).toBe(202);
    const m = await fake.waitFor(() => fake.messages.find((x) => x.channel === 'C0OPS'), 15_000, 'the report');
    expect(m.blocks![0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Backup <done>', emoji: true } });
    expect(JSON.stringify(m.blocks)).toContain('db1 &amp; db2 finished');
    expect(m.blocks!.at(-1)!.type).toBe('context');
    expect(m.text).toContain('Backup &lt;done&gt;');
    expect(hb.logs()).not.toContain(fake.botToken);
    expect(hb.logs()).not.toContain(fake.appToken);
  });

  it('uploads a screenshot through the three-step flow into the channel', async () => {
    const res = await hb.post('/report', { token: TOKEN, title: 'Screen', content: 'see image', screenshot: PNG.toString('base64'), send_to_group: 'slack:C0PICS' });
    expect(res.status).toBe(202);
    const file = await fake.waitFor(() => [...fake.files.values()].find((f) => f.shared?.channel === 'C0PICS'), 15_000, 'the upload');
    expect(file.data).toEqual(PNG);
    const steps = fake.requests.filter((r) => r.method.startsWith('files.')).map((r) => r.method);
    expect(steps).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
  });

  it('splits a long report into several messages within Slack limits, losing no line', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(60)} & <ok>`);
    const res = await hb.post('/report', { token: TOKEN, title: 'Long log', content: lines.join('\n'), send_to_group: 'slack:C0LONG' });
    expect(res.status).toBe(202);
    const last = await fake.waitFor(() => fake.messages.find((m) => m.channel === 'C0LONG' && m.blocks!.at(-1)!.type === 'context'), 15_000, 'the last part');
    const parts = fake.messages.filter((m) => m.channel === 'C0LONG');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.at(-1)).toBe(last);
    for (const m of parts) {
      expect(validateBlocks(m.blocks)).toEqual([]);
      expect(m.text!.length).toBeLessThanOrEqual(LIMITS.messageText);
    }
    const got = parts.flatMap((m) => blockTexts(m.blocks!)).join('\n').split('\n').filter((l) => l.startsWith('line '));
    expect(got).toEqual(lines.map((l) => l.replace('&', '&amp;').replace('<ok>', '&lt;ok&gt;')));
  });

  it('opens the DM with a user once', async () => {
    for (const content of ['one', 'two']) expect((await hb.post('/report', { token: TOKEN, content, send_to: 'slack:U0ALICE' })).status).toBe(202);
    await fake.waitFor(() => fake.messages.filter((m) => m.channel === fake.dms.get('U0ALICE')).length === 2, 15_000, 'two DMs');
    expect(fake.requests.filter((r) => r.method === 'conversations.open')).toHaveLength(1);
  });

  it('waits out a 429 on one channel while another channel is served', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    expect((await hb.post('/report', { token: TOKEN, content: 'slow', send_to_group: 'slack:C0SLOW' })).status).toBe(202);
    await fake.waitFor(() => fake.requests.some((r) => r.method === 'chat.postMessage' && r.fields.channel === 'C0SLOW'), 15_000, 'the first try');
    expect((await hb.post('/report', { token: TOKEN, content: 'fast', send_to_group: 'slack:C0FAST' })).status).toBe(202);
    const fast = await fake.waitFor(() => fake.messages.find((m) => m.channel === 'C0FAST'), 15_000, 'the fast channel');
    const slow = await fake.waitFor(() => fake.messages.find((m) => m.channel === 'C0SLOW'), 15_000, 'the slow channel');
    const tries = fake.requests.filter((r) => r.method === 'chat.postMessage' && r.fields.channel === 'C0SLOW');
    expect(tries).toHaveLength(2);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(fast.ts < slow.ts).toBe(true);
  });

  it('answers /hookbot whoami privately with the ids', async () => {
    const ack = await fake.socket.slashCommand({ text: 'whoami', user_id: 'U0BOB', channel_id: 'C0OPS' }, 10_000);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(ack.payload!.text).toContain('U0BOB');
    expect(ack.payload!.text).toContain('slack:C0OPS');
  });

  it('refuses an admin command from someone not in admins, privately', async () => {
    const ack = await fake.socket.slashCommand({ text: 'mute report 1h', user_id: 'U0BOB', channel_id: 'C0OPS' }, 10_000);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(ack.payload!.text).toMatch(/admin/i);
  });

  it('runs a custom command from /hookbot and from a mention, for admins only', async () => {
    const refused = await fake.socket.slashCommand({ text: 'run daily', user_id: 'U0BOB', channel_id: 'C0OPS' }, 10_000);
    // Slack has one slash command: the refusal names the commands the way they are typed here.
    expect(refused.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/hookbot run is for admins') });
    expect(refused.payload!.text).toContain('(see /hookbot whoami)');
    const ack = await fake.socket.slashCommand({ text: 'run daily & more', user_id: 'U0ADMIN', channel_id: 'C0OPS' }, 10_000);
    expect(ack.payload).toEqual({ response_type: 'in_channel', text: 'Started *daily &amp; more*' });
    await fake.socket.mention({ text: `<@${fake.botUserId}> run weekly`, user: 'U0ADMIN', channel: 'C0OPS' }, 10_000);
    const reply = await fake.waitFor(() => fake.messages.find((m) => m.text === 'Started *weekly*'), 15_000, 'the mention reply');
    expect(reply.thread_ts).toBeDefined();
    expect(app.calls.map((c) => JSON.parse(c.body).group)).toEqual(['daily & more', 'weekly']);
  });

  it('sends a test notification with /hookbot test from an admin', async () => {
    const ack = await fake.socket.slashCommand({ text: 'test', user_id: 'U0ADMIN', channel_id: 'C0TEST' }, 10_000);
    expect(ack.payload!.text).toContain('slack:C0TEST');
    const m = await fake.waitFor(() => fake.messages.find((x) => x.channel === 'C0TEST'), 15_000, 'the test notification');
    expect(m.blocks![0]).toMatchObject({ type: 'header', text: { text: 'hookbot test' } });
  });
});

describe('Slack end to end (HTTP mode)', () => {
  const SECRET = 'e2e-signing-secret-0123456789abcdef';
  let fake: FakeSlack;
  let hb: RunningHookbot;
  beforeAll(async () => {
    fake = new FakeSlack();
    await fake.start();
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  slack: { platform: slack, token: ${fake.botToken}, signingSecret: ${SECRET}, apiRoot: "${fake.apiUrl}", admins: [U0ADMIN] }
`,
    });
  }, 60_000);
  afterAll(async () => {
    await hb?.stop();
    await fake?.stop();
  });

  it('rejects a bad signature and answers a good one', async () => {
    const { postSignedForm } = await import('../fakes/slack/sign.js');
    const { slashCommandPayload } = await import('../fakes/slack/socket-mode.js');
    const fields = slashCommandPayload(fake, { text: 'whoami', user_id: 'U0BOB', channel_id: 'C0OPS' });
    const bad = await postSignedForm(hb.url + '/slack/events', SECRET, fields, { secret: 'wrong-signing-secret-000000000000' });
    expect(bad.status).toBe(401);
    const good = await postSignedForm(hb.url + '/slack/events', SECRET, fields);
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({ response_type: 'ephemeral' });
    expect(good.json!.text).toContain('U0BOB');
    expect(hb.logs()).not.toContain(SECRET);
  });
});

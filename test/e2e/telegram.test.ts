// End to end with the real process against the fake Telegram: HTML delivery, a screenshot as a
// photo, 300 notices to one group under the flood limits, a 429 obeyed, and commands by long polling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { PNG } from '../helpers/images.js';
import { startTaskApp, type TaskApp } from '../helpers/task-app.js';

const BOT_TOKEN = '123456789:AAHe2eTelegramTokenForTheFakeApi0123';
const REPORT_TOKEN = 'e2e-telegram-report-token-0123456789';
const ADMIN = 1001;
const STRANGER = 2002;
// A faster group rate than Telegram's 20/min so 300 notices take seconds; the fake enforces the same
// rate, with two messages of slack for the time between the worker's clock and the fake's.
const GROUP_RATE = { count: 40, perMs: 1000 };
const BOT_RATE = { count: 100, perMs: 1000 };

describe('Telegram end to end (long polling)', () => {
  let fake: FakeTelegram;
  let hb: RunningHookbot;
  // The app behind a custom command (a BetterGI-style task runner).
  let app: TaskApp;
  beforeAll(async () => {
    app = await startTaskApp();
    const appUrl = app.url('/api/task/start');
    fake = new FakeTelegram({
      tokens: [BOT_TOKEN],
      botUsername: 'hookbot_e2e_bot',
      limits: { group: { ...GROUP_RATE, burst: GROUP_RATE.count + 2 }, bot: { ...BOT_RATE, burst: BOT_RATE.count + 2 } },
    });
    // The admin has opened a private chat with the bot, so its menu can be set there.
    fake.addChat({ id: ADMIN, type: 'private' });
    for (const id of [-1001, -1002, -1003, -1004, -1005, -1006, -1007]) fake.addChat({ id, type: 'supergroup' });
    fake.addChat({ id: -1009, type: 'supergroup', forum: true, topics: [7] });
    await fake.start();
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
worker: { baseDelayMs: 200, maxDelayMs: 2000, pollMs: 50 }
bots:
  telegram:
    platform: telegram
    token: "\${TELEGRAM_BOT_TOKEN}"
    apiRoot: "${fake.url}"
    admins: ["${ADMIN}"]
    limits: { group: ${JSON.stringify(GROUP_RATE)}, bot: ${JSON.stringify(BOT_RATE)} }
sources:
  report: { format: report, token: ${REPORT_TOKEN} }
commands:
  - name: run
    description: Start a task group
    request: { method: POST, url: "${appUrl}", headers: { Content-Type: application/json }, body: '{"group": "{{ args }}"}' }
    reply: "Started {{ json.started }} ({{ json.queue }} in the queue)"
`,
      env: { TELEGRAM_BOT_TOKEN: BOT_TOKEN },
    });
    await fake.waitFor(() => fake.heldPolls === 1, 15_000, 'hookbot to poll');
  }, 60_000);
  afterAll(async () => {
    await hb?.stop();
    await fake?.stop();
    await app?.close();
  });

  const report = (body: Record<string, unknown>) => hb.post('/report', { token: REPORT_TOKEN, ...body });

  it('publishes its commands in the menu at start, the admin commands in the admin\'s chat only', () => {
    const everyone = fake.commands.map((c) => c.command);
    expect(everyone).toEqual(expect.arrayContaining(['help', 'whoami']));
    // No `users` in this config: status and the others that read state are the admins' too.
    for (const admin of ['status', 'recent', 'mute', 'retry', 'test', 'run']) expect(everyone).not.toContain(admin);
    const forAdmin = fake.commandsFor({ type: 'chat', chat_id: ADMIN }).map((c) => c.command);
    expect(forAdmin).toEqual(expect.arrayContaining(['help', 'whoami', 'status', 'mute', 'retry', 'test', 'run']));
  });

  it('delivers a report to a group as valid HTML', async () => {
    const res = await report({ title: 'Backup <done>', content: 'db1 & db2 **finished**', send_to_group: 'telegram:-1001' });
    expect(res.status).toBe(202);
    await fake.waitFor(() => fake.sentTo(-1001).length === 1, 15_000, 'the report');
    const [m] = fake.sentTo(-1001);
    // The fake parsed it as Telegram would (it answers 400 to bad HTML), so the text is what people read.
    expect(m).toMatchObject({ method: 'sendMessage', parseMode: 'HTML', linkPreviewDisabled: true });
    expect(m!.text).toContain('Backup <done>');
    expect(m!.text).toContain('db1 & db2');
    expect(m!.entities[0]).toMatchObject({ type: 'bold', offset: 0, length: 'Backup <done>'.length });
    expect(hb.logs()).not.toContain(BOT_TOKEN);
  });

  it('delivers a screenshot as a photo with the text as caption', async () => {
    expect((await report({ title: 'Domain', content: 'finished', screenshot: PNG.toString('base64'), send_to_group: 'telegram:-1002' })).status).toBe(202);
    await fake.waitFor(() => fake.sentTo(-1002).length === 1, 15_000, 'the photo');
    const [m] = fake.sentTo(-1002);
    expect(m!.method).toBe('sendPhoto');
    expect(m!.photo!.upload!.data.equals(PNG)).toBe(true);
    expect(m!.text).toContain('finished');
  });

  it('delivers into a forum topic', async () => {
    expect((await report({ content: 'in the topic', send_to_group: 'telegram:-1009/7' })).status).toBe(202);
    await fake.waitFor(() => fake.sentTo(-1009).length === 1, 15_000, 'the topic message');
    expect(fake.sentTo(-1009)[0]).toMatchObject({ threadId: 7 });
  });

  it('retries an injected 429 after retry_after and delivers', async () => {
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    expect((await report({ content: 'after the flood', send_to_group: 'telegram:-1003' })).status).toBe(202);
    await fake.waitFor(() => fake.sentTo(-1003).length === 1, 15_000, 'the retried message');
    const tries = fake.calls('sendMessage').filter((r) => String(r.params.chat_id) === '-1003');
    expect(tries.map((t) => t.status)).toEqual([429, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(950);
    expect(fake.sentTo(-1003)[0]!.text).toContain('after the flood');
  });

  it('delivers 300 notices to one group, all, in order, without a single 429, and other chats are not held up', async () => {
    const before = fake.stats.tooManyRequests;
    for (let i = 0; i < 300; i++) {
      const res = await report({ content: `notice ${i}`, send_to_group: 'telegram:-1004' });
      expect(res.status).toBe(202);
    }
    // Another group's notice, queued after the whole burst, goes out while the burst is still spread out.
    expect((await report({ content: 'meanwhile elsewhere', send_to_group: 'telegram:-1006' })).status).toBe(202);
    await fake.waitFor(() => fake.sentTo(-1006).length === 1, 15_000, 'the other group');
    expect(fake.sentTo(-1004).length).toBeLessThan(300);
    await fake.waitFor(() => fake.sentTo(-1004).length >= 300, 60_000, '300 notices');
    const texts = fake.sentTo(-1004).map((m) => /notice (\d+)/.exec(m.text)?.[1]);
    expect(texts).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
    expect(fake.stats.tooManyRequests - before).toBe(0);
  }, 90_000);

  it('counts each part of a long notice against the group limit: 30 long notices in several parts each, no 429', async () => {
    const before = fake.stats.tooManyRequests;
    for (let i = 0; i < 30; i++) {
      // Over 4096 characters: several messages each, well past the group's 42-message burst.
      expect((await report({ content: `long ${i}\n` + 'x'.repeat(5000), send_to_group: 'telegram:-1007' })).status).toBe(202);
    }
    const heads = () => fake.sentTo(-1007).filter((m) => /long \d+/.test(m.text));
    const xs = () => fake.sentTo(-1007).reduce((n, m) => n + (m.text.match(/x/g)?.length ?? 0), 0);
    await fake.waitFor(() => xs() === 30 * 5000, 30_000, 'all 30 long notices, every part');
    expect(fake.sentTo(-1007).length).toBeGreaterThanOrEqual(60);
    expect(fake.stats.tooManyRequests - before).toBe(0);
    expect(heads().map((m) => /long (\d+)/.exec(m.text)![1])).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
  }, 45_000);

  it('answers whoami from a non-admin with the ids, in its topic', async () => {
    await fake.pushCommand({ chatId: -1009, userId: STRANGER, username: 'stranger', text: '/whoami@hookbot_e2e_bot', threadId: 7 });
    await fake.waitFor(() => fake.sentTo(-1009).some((m) => m.text.includes(String(STRANGER))), 15_000, 'the whoami reply');
    const reply = fake.sentTo(-1009).find((m) => m.text.includes(String(STRANGER)))!;
    expect(reply.threadId).toBe(7);
    expect(reply.text).toContain('telegram:-1009/7');
    expect(reply.text).not.toContain('— admin'); // whoami marks admins; this user is none
  });

  it('refuses mute from a non-admin, and the refusal is in the audit log', async () => {
    await fake.pushCommand({ chatId: STRANGER, userId: STRANGER, text: '/mute report 1h' });
    await fake.waitFor(() => fake.sentTo(STRANGER).length === 1, 15_000, 'the refusal');
    expect(fake.sentTo(STRANGER)[0]!.text).toMatch(/admin/i);
    await fake.pushCommand({ chatId: ADMIN, userId: ADMIN, text: '/audit' });
    await fake.waitFor(() => fake.sentTo(ADMIN).length === 1, 15_000, 'the audit log');
    const log = fake.sentTo(ADMIN)[0]!.text;
    expect(log).toContain(String(STRANGER));
    expect(log).toMatch(/mute/);
    expect(log).toMatch(/refused/);
  });

  it('runs a custom command: calls the local app and replies with its answer', async () => {
    await fake.pushCommand({ chatId: -1004, userId: ADMIN, text: '/run daily' });
    await fake.waitFor(() => fake.sentTo(-1004).some((m) => m.text.includes('Started daily')), 15_000, 'the custom command reply');
    expect(app.calls).toEqual([{ method: 'POST', body: '{"group": "daily"}' }]);
    expect(fake.sentTo(-1004).find((m) => m.text.includes('Started daily'))!.text).toContain('(2 in the queue)');
  });

  it('sends a test notification to the chat of an admin who asks', async () => {
    await fake.pushCommand({ chatId: -1005, userId: ADMIN, text: '/test' });
    await fake.waitFor(() => fake.sentTo(-1005).some((m) => /test notification, sent with \/test/.test(m.text)), 15_000, 'the test notification');
  });
});

describe('Telegram end to end (webhook)', () => {
  const SECRET = 'e2e-webhook-secret-0123456789';
  let fake: FakeTelegram;
  let hb: RunningHookbot;
  beforeAll(async () => {
    fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
    await fake.start();
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  telegram:
    platform: telegram
    token: "${BOT_TOKEN}"
    apiRoot: "${fake.url}"
    webhook: { url: "http://127.0.0.1:{{port}}/telegram/webhook", secret: ${SECRET} }
`,
    });
    await fake.waitFor(() => fake.webhook !== undefined, 15_000, 'setWebhook');
  }, 60_000);
  afterAll(async () => {
    await hb?.stop();
    await fake?.stop();
  });

  it('registers the webhook with its secret and never polls', () => {
    expect(fake.webhook).toEqual({ url: `${hb.url}/telegram/webhook`, secret: SECRET });
    expect(fake.calls('getUpdates')).toEqual([]);
  });

  it('takes a command on the webhook and answers it', async () => {
    await fake.pushCommand({ chatId: 3003, userId: 3003, text: '/whoami' });
    expect(fake.webhookStatuses).toEqual([200]);
    await fake.waitFor(() => fake.sentTo(3003).length === 1, 15_000, 'the reply');
    expect(fake.sentTo(3003)[0]!.text).toContain('3003');
  });

  it('refuses an update without the secret', async () => {
    const res = await fetch(`${hb.url}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"update_id":1}' });
    expect(res.status).toBe(401);
  });
});

// The SQLite store locked by another process (a second handle holding BEGIN EXCLUSIVE, as a backup
// tool or a second hookbot might): webhooks are answered 503 with Retry-After, never 500, and a
// message whose acknowledgement hit the lock is not sent again once the lock is gone.
import Database from 'better-sqlite3';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const BOT_TOKEN = '123456789:AAHe2eTelegramTokenForTheLockTest0123';
const REPORT_TOKEN = 'e2e-locked-report-token-0123456789';
const CHATS = [-1001, -1002, -1003, -1004, -1005];
const N = 20;

/**
 * Between hookbot and the fake Bot API: while `holding`, answers to sendMessage are kept back (the
 * message has arrived at Telegram, hookbot does not know yet) until `release()`. So the test knows a
 * send is in flight when it takes the lock, whatever the machine's speed.
 */
async function relay(target: string) {
  const held: (() => void)[] = [];
  const state = { holding: false };
  const server: Server = createServer((req, res: ServerResponse) => {
    const up = request(target + req.url, { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const send = () => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        };
        if (state.holding && /\/sendMessage$/i.test(req.url ?? '')) held.push(send);
        else send();
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    state,
    held,
    release() {
      state.holding = false;
      for (const send of held.splice(0)) send();
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

describe('a SQLite store locked by another process', () => {
  let fake: FakeTelegram | undefined;
  let proxy: Awaited<ReturnType<typeof relay>> | undefined;
  let hb: RunningHookbot | undefined;
  let lock: Database.Database | undefined;
  afterAll(async () => {
    if (lock?.inTransaction) lock.exec('COMMIT');
    lock?.close();
    await hb?.kill();
    await proxy?.close();
    await fake?.stop();
  });

  // While the lock is held the bot-ownership lease cannot be renewed either: the instance keeps the
  // bot (nobody else can take it from a locked SQLite file), so the send in flight meets the lock.
  it('answers 503 with Retry-After and sends nothing twice', async () => {
    fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
    for (const id of CHATS) fake.addChat({ id, type: 'supergroup' });
    await fake.start();
    proxy = await relay(fake.url);
    // 2 messages a second per group: most reports are still queued when the lock is taken. The
    // answers held back by the relay must not time out meanwhile, however slow the machine.
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
worker: { pollMs: 50, sendTimeoutMs: 120000 }
bots:
  telegram: { platform: telegram, token: "${BOT_TOKEN}", apiRoot: "${proxy.url}", limits: { group: { count: 2, perMs: 1000 } } }
sources:
  report: { format: report, token: ${REPORT_TOKEN} }
`,
    });
    const post = (i: number) =>
      fetch(`${hb!.url}/report`, { method: 'POST', body: JSON.stringify({ token: REPORT_TOKEN, content: `n=${i};`, send_to_group: `telegram:${CHATS[i % CHATS.length]}` }) });
    // Sends in flight when the lock is taken: Telegram has the messages, hookbot waits for the answers.
    proxy.state.holding = true;
    for (let i = 0; i < N; i++) expect((await post(i)).status).toBe(202);
    await fake.waitFor(() => fake!.sent.length >= 1, 15_000, 'the first message');
    const inFlight = Date.now() + 15_000;
    while (!proxy.held.length) {
      if (Date.now() > inFlight) throw new Error('no answer was held back');
      await new Promise((r) => setTimeout(r, 10)); // the relay has no event to wait on
    }

    lock = new Database(join(hb.dir, 'hookbot.db'), { timeout: 15_000 });
    lock.exec('BEGIN EXCLUSIVE');
    const refused = await Promise.all(Array.from({ length: 10 }, (_, i) => post(1000 + i)));
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: string }).error).toMatch(/store is unavailable/);
    }
    // A message went out, and its acknowledgement meets the lock and waits for it.
    proxy.release();
    await hb.waitForLog(/"outcome":"sent"[^\n]*could not record a delivery outcome; trying again/, 30_000);
    expect(((await (await fetch(`${hb.url}/healthz`)).json()) as { store: { state: string } }).store.state).toBe('failing');
    lock.exec('COMMIT');
    lock.close();
    lock = undefined;

    await fake.waitFor(() => fake!.sent.length >= N, 60_000, 'every report');
    // A clean stop records what is in flight; then nothing more can be sent.
    expect(await hb.stop()).toBe(0);
    hb = undefined;
    const texts = fake.sent.map((m) => /n=(\d+);/.exec(m.text ?? '')![1]);
    expect(texts.length).toBe(N);
    expect(new Set(texts).size).toBe(N);
  }, 150_000);
});

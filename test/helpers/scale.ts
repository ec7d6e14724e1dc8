// Several hookbot processes on one PostgreSQL database, one fake Telegram: reports posted
// round-robin to the instances, the instance that owns the bot killed (kill -9) in the middle, and
// what reached the fake counted. Used by test/e2e/scale-postgres.test.ts and bench/pg-scale.ts.
import pg from 'pg';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import { spawnHookbot, type RunningHookbot } from './hookbot.js';
import { createTestDatabase } from './postgres.js';

const BOT_TOKEN = '123456789:AAHe2eTelegramTokenForTheFakeApi0123';
const REPORT_TOKEN = 'e2e-scale-report-token-0123456789';

export interface ScaleOptions {
  reports: number;
  instances?: number;
  /** Independent senders, each posting its reports one after another (so each chat has one order). */
  streams?: number;
  /** Kill -9 the bot's owner once this share of the deliveries reached the fake (0 = no kill). */
  killAt?: number;
  /** Messages a second the bot may send (Telegram: 30); the fake enforces the same with 2 of slack. */
  botRate?: number;
  log?: (s: string) => void;
  timeoutMs?: number;
}

export interface ScaleResult {
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  /** Claims the killed instance held when it was killed: sends that may have gone out unrecorded. */
  inFlightAtKill: number;
  /** From the kill to another instance owning the bot, ms. */
  takeoverMs?: number;
  outOfOrder: string[];
  conflicts409: number;
  tooMany429: number;
  /** Each 429: its chat and when, in ms after the kill (negative: before it). */
  tooManyAt: string[];
  /** From the first post to the last delivery, ms; and posting alone. */
  totalMs: number;
  postMs: number;
  deliveriesPerSecond: number;
}

type Health = { ownership?: { instance: string; bots: Record<string, { owner: string; mine: boolean }> } };

async function health(h: RunningHookbot): Promise<Health | undefined> {
  try {
    return (await (await fetch(h.url + '/healthz', { signal: AbortSignal.timeout(2000) })).json()) as Health;
  } catch {
    return undefined;
  }
}

async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function runScale(opts: ScaleOptions): Promise<ScaleResult> {
  const log = opts.log ?? (() => {});
  const n = opts.instances ?? 3;
  const streams = opts.streams ?? 10;
  const botRate = opts.botRate ?? 200;
  const groupRate = { count: 40, perMs: 1000 };
  // hookbot is given 90% of the fake's limits, as one configures a little under a platform's: it
  // stamps a send when it reserves it, and on a loaded machine requests reach the fake after
  // delays that vary by more than its 50 ms margin, so sends spaced right can arrive bunched up.
  const mine = (n: number) => Math.floor(n * 0.9);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const db = await createTestDatabase();
  const fake = new FakeTelegram({
    tokens: [BOT_TOKEN],
    limits: { group: { ...groupRate, burst: groupRate.count + 2 }, bot: { count: botRate, perMs: 1000, burst: botRate + 2 } },
  });
  // Stream s posts to its own three groups, each report to two of them.
  const chatOf = (s: number, j: number) => -1_000_000 - s * 10 - j;
  for (let s = 0; s < streams; s++) for (let j = 0; j < 3; j++) fake.addChat({ id: chatOf(s, j), type: 'supergroup' });
  await fake.start();
  const config = `
server: { port: {{port}}, host: 127.0.0.1 }
store: { postgres: "${db.url}" }
log: { level: info }
worker: { baseDelayMs: 200, maxDelayMs: 2000, pollMs: 100 }
bots:
  telegram:
    platform: telegram
    token: "\${TELEGRAM_BOT_TOKEN}"
    apiRoot: "${fake.url}"
    limits: { group: { count: ${mine(groupRate.count)}, perMs: 1000 }, bot: { count: ${mine(botRate)}, perMs: 1000 } }
sources:
  report: { format: report, token: ${REPORT_TOKEN}, capture: 0 }
`;
  const hbs: RunningHookbot[] = [];
  const check = new pg.Client({ connectionString: db.url });
  try {
    // One at a time: three at once on two cores only start slower.
    for (let i = 0; i < n; i++) hbs.push(await spawnHookbot({ config, env: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, HOOKBOT_LOG_LEVEL: 'info' }, startTimeoutMs: 120_000 }));
    await check.connect();
    await until(() => fake.heldPolls === 1, 30_000, 'the owner of the bot to poll');
    log(`${n} instances up`);
    const dead = new Set<RunningHookbot>();
    const expected = opts.reports * 2;
    let rr = 0;
    const post = async (body: unknown, key: string) => {
      for (let tries = 0; ; tries++) {
        const live = hbs.filter((h) => !dead.has(h));
        const h = live[rr++ % live.length]!;
        try {
          const res = await fetch(h.url + '/report', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
          if (res.status === 202) return;
          // 503 while the store is away: the sender tries again, as senders do.
          if (res.status !== 503 || tries > 20) throw new Error(`POST /report answered ${res.status}: ${await res.text()}`);
        } catch (e) {
          // The instance was killed under the request: the same report again, elsewhere (the key makes it once).
          if (tries > 20 || (e as Error).message.startsWith('POST /report')) throw e;
        }
      }
    };
    const t0 = Date.now();
    let postMs = 0;
    const posting = Promise.all(
      Array.from({ length: streams }, async (_, s) => {
        for (let k = s; k < opts.reports; k += streams) {
          const i = Math.floor(k / streams);
          const to = [chatOf(s, i % 3), chatOf(s, (i + 1) % 3)].map((c) => `telegram:${c}`);
          await post({ token: REPORT_TOKEN, title: `r${k}`, content: `report ${k}`, send_to_group: to }, `scale-${k}`);
        }
      }),
    ).then(() => (postMs = Date.now() - t0));

    let takeoverMs: number | undefined;
    let killedAt = 0;
    let inFlightAtKill = 0;
    if (opts.killAt) {
      await until(() => fake.sent.length >= expected * opts.killAt!, timeoutMs, `${opts.killAt} of the deliveries`, 20);
      let owner: RunningHookbot | undefined;
      let ownerId = '';
      for (const h of hbs) {
        const o = (await health(h))?.ownership;
        if (o?.bots['telegram']?.mine) {
          owner = h;
          ownerId = o.instance;
        }
      }
      if (!owner) throw new Error('no instance owns the bot');
      // Frozen first, so the claims it holds can be counted as they are at the kill.
      owner.child.kill('SIGSTOP');
      inFlightAtKill = Number((await check.query("SELECT count(*) AS n FROM deliveries WHERE state = 'sending' AND locked_by = $1", [ownerId])).rows[0].n);
      killedAt = Date.now();
      await owner.kill();
      dead.add(owner);
      log(`killed the owner ${ownerId} with ${fake.sent.length}/${expected} delivered and ${inFlightAtKill} sends in flight`);
      await until(
        async () => {
          for (const h of hbs.filter((x) => !dead.has(x))) if ((await health(h))?.ownership?.bots['telegram']?.mine) return true;
          return false;
        },
        30_000,
        'another instance to own the bot',
      );
      takeoverMs = Date.now() - killedAt;
      log(`taken over in ${takeoverMs} ms`);
    }
    await posting;
    const key = (m: { chatId: string; text?: string }) => `${m.chatId} ${/r(\d+)/.exec(m.text ?? '')?.[1]}`;
    await until(() => new Set(fake.sent.map(key)).size >= expected, timeoutMs, 'every delivery', 200);
    // Nothing left to send anywhere: no late duplicates to wait for.
    await until(async () => Number((await check.query("SELECT count(*) AS n FROM deliveries WHERE state IN ('pending', 'sending')")).rows[0].n) === 0, 30_000, 'the queue to empty');
    const totalMs = Date.now() - t0;
    const got = fake.sent.map(key);
    const unique = new Set(got);
    const outOfOrder: string[] = [];
    const byChat = new Map<string, number[]>();
    for (const m of fake.sent) byChat.set(m.chatId, [...(byChat.get(m.chatId) ?? []), Number(/r(\d+)/.exec(m.text ?? '')![1])]);
    for (const [chat, ks] of byChat) {
      // A resend after the kill repeats the chat's head in place; every first sight must come in order.
      const firsts = ks.filter((k, i) => ks.indexOf(k) === i);
      for (let i = 1; i < firsts.length; i++) if (firsts[i]! < firsts[i - 1]!) outOfOrder.push(`${chat}: ${firsts[i - 1]} before ${firsts[i]}`);
    }
    const states = (await check.query('SELECT state, count(*)::int AS n FROM deliveries GROUP BY state')).rows;
    log(`store: ${JSON.stringify(states)}`);
    return {
      expected,
      received: got.length,
      lost: expected - unique.size + states.filter((r) => r.state !== 'sent').reduce((a, r) => a + r.n, 0),
      duplicates: got.length - unique.size,
      inFlightAtKill,
      takeoverMs,
      outOfOrder,
      conflicts409: fake.requests.filter((r) => r.method === 'getupdates' && r.status === 409).length,
      tooMany429: fake.stats.tooManyRequests,
      tooManyAt: fake.requests.filter((q) => q.status === 429).map((q) => `${String(q.params['chat_id'])} at ${killedAt ? q.at - killedAt : q.at - t0} ms`),
      totalMs,
      postMs,
      deliveriesPerSecond: (got.length * 1000) / totalMs,
    };
  } catch (e) {
    // What the instances logged last: a stuck run says why.
    const tails = hbs.map((h, i) => `--- instance ${i + 1}:\n${h.logs().slice(-4000)}`).join('\n');
    throw new Error(`${(e as Error).message}\n${tails}`, { cause: e });
  } finally {
    await check.end().catch(() => {});
    for (const h of hbs) await h.stop().catch(() => {});
    await fake.stop();
    await db.drop().catch(() => {});
  }
}

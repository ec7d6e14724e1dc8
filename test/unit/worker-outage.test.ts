// A failing platform is probed with one delivery on a short schedule while the bot's other
// deliveries wait, and they all go the moment it answers; per-chat errors hold nobody else.
// The worker against the real SQLite store and a scripted platform, with a manual clock.
import { describe, expect, it } from 'vitest';
import { DeliveryError, type BotAdapter, type ChatRef, type RateLimits } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import type { Message } from '../../src/message.js';
import { CHAT_STUCK_MS, PROBE_MAX_MS, probeDelayMs } from '../../src/outages.js';
import { plainText } from '../../src/render/markup.js';
import type { Worker } from '../../src/worker.js';
import { addReport, testWorker } from '../helpers/worker.js';
import { SqliteStore } from '../../src/store/sqlite.js';

/** A platform that can be down (network error), refuse the token, or refuse one chat. */
class Platform implements BotAdapter {
  readonly id = 'b';
  readonly platform = 'test';
  mode: 'up' | 'down' | 'badToken' = 'up';
  /** Per-chat answers while the platform is up. */
  chatError = new Map<string, () => DeliveryError>();
  sent: { chat: string; text: string; at: number }[] = [];
  tries: { chat: string; at: number }[] = [];
  constructor(private readonly clock: ManualClock) {}
  parseChat(raw: string) {
    return { chat: raw };
  }
  async send(to: ChatRef, msg: Message) {
    this.tries.push({ chat: to.chat, at: this.clock.now() });
    if (this.mode === 'down') throw new DeliveryError('cannot reach the platform: ECONNREFUSED', { retryable: true });
    if (this.mode === 'badToken') throw new DeliveryError('401 Unauthorized', { retryable: true, unhealthy: true });
    const e = this.chatError.get(to.chat);
    if (e) throw e();
    this.sent.push({ chat: to.chat, text: plainText(msg.body), at: this.clock.now() });
    return {};
  }
  async start() {}
  async stop() {}
  health() {
    return { state: 'ok' as const, since: '' };
  }
}

const POLL_MS = 250;

type Options = ConstructorParameters<typeof Worker>[0]['options'];
/** The defaults of worker: in the config. */
const DEFAULTS: Options = { concurrency: 8, maxAttempts: 20, baseDelayMs: 2000, maxDelayMs: 15 * 60_000, pollMs: POLL_MS, sendTimeoutMs: 1000 };

function setup(options: Partial<Options> = {}, limits = {}) {
  const clock = new ManualClock(1_000_000);
  const store = SqliteStore.open(':memory:', { clock });
  const platform = new Platform(clock);
  const worker = newWorker(store, platform, clock, { ...DEFAULTS, ...options }, limits);
  const add = (chat: string, text: string) => addReport(store, clock, chat, text);
  /** Polls as the worker does (every POLL_MS) for `ms`, or until `done`; returns the time spent. */
  const run = async (ms: number, done: () => boolean = () => false) => {
    const start = clock.now();
    for (;;) {
      await worker.runDue();
      if (done() || clock.now() - start >= ms) return clock.now() - start;
      clock.advance(POLL_MS);
    }
  };
  return { clock, store, platform, worker, add, run };
}

function newWorker(store: SqliteStore, platform: Platform, clock: ManualClock, options = DEFAULTS, limits: RateLimits = {}) {
  return testWorker(store, platform, clock, { options, limits });
}

const CHATS = ['c1', 'c2', 'c3', 'c4', 'c5'];

describe('worker: a failing platform', () => {
  it('probes the failing platform on a short schedule: 1 s, 2 s, 4 s, 8 s, then every 15 s', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(probeDelayMs)).toEqual([1000, 2000, 4000, 8000, PROBE_MAX_MS, PROBE_MAX_MS, PROBE_MAX_MS]);
  });

  it('after a 10-minute outage sends within the probe interval of the platform being back, every chat at once', async () => {
    const { clock, store, platform, worker, add, run } = setup();
    platform.mode = 'down';
    const ids = [];
    for (const c of CHATS) for (const t of ['1', '2']) ids.push((await add(c, `${c}-${t}`)).deliveries[0]!.id);
    await run(10 * 60_000);
    // One probe at a time: the first claim met the outage (every chat's head, in flight together),
    // then one send per probe: 1+2+4+8 s, then every 15 s.
    const afterFirst = platform.tries.filter((t) => t.at > 1_000_000);
    expect(afterFirst.length).toBeLessThanOrEqual(4 + Math.ceil((10 * 60_000) / PROBE_MAX_MS));
    expect(afterFirst.length).toBeGreaterThanOrEqual(Math.floor((10 * 60_000 - 15_000) / PROBE_MAX_MS));
    expect(platform.sent).toEqual([]);
    // Held deliveries spend no attempts (the first sends, which found the platform failing, one);
    // the probe spends them at the backoff's pace (2 s doubling: 8 or 9 in ten minutes), not one
    // every probe.
    const held = (await Promise.all(ids.map((id) => store.getDelivery(id)))).map((d) => d!);
    expect(held.every((d) => d.state === 'pending')).toBe(true);
    const attempts = held.map((d) => d.attempts).sort((a, b) => b - a);
    expect(attempts[0]).toBeGreaterThanOrEqual(8);
    expect(attempts[0]).toBeLessThanOrEqual(10);
    expect(attempts.slice(1).every((a) => a <= 1)).toBe(true);
    expect(worker.failingBots()).toMatchObject([{ bot: 'b', kind: 'unreachable', since: 1_000_000, reason: expect.stringMatching(/ECONNREFUSED/) }]);

    platform.mode = 'up';
    const back = clock.now();
    await run(60_000, () => platform.sent.length > 0);
    expect(platform.sent[0]!.at - back).toBeLessThanOrEqual(PROBE_MAX_MS + POLL_MS);
    // The probe answered: every chat's head goes out together, at the very next claim.
    await worker.runDue();
    const firstOfEach = CHATS.map((c) => platform.sent.find((s) => s.chat === c)?.at);
    expect(firstOfEach.every((at) => at !== undefined && at === platform.sent[0]!.at)).toBe(true);
    await run(10_000, () => platform.sent.length === 10);
    expect(platform.sent.length).toBe(10);
    for (const c of CHATS) expect(platform.sent.filter((s) => s.chat === c).map((s) => s.text)).toEqual([`${c}-1`, `${c}-2`]);
    expect(worker.failingBots()).toEqual([]);
  });

  it('a refused token holds the bot without spending attempts; once fixed the held deliveries go within the probe interval', async () => {
    const { clock, store, platform, worker, add, run } = setup();
    platform.mode = 'badToken';
    const ids = [];
    for (const c of CHATS) ids.push((await add(c, c)).deliveries[0]!.id);
    await run(5 * 60_000);
    expect(worker.failingBots()).toMatchObject([{ bot: 'b', kind: 'unhealthy', reason: '401 Unauthorized' }]);
    for (const id of ids) expect(await store.getDelivery(id)).toMatchObject({ state: 'pending', attempts: 0 });
    platform.mode = 'up';
    const fixed = clock.now();
    await run(60_000, () => platform.sent.length === CHATS.length);
    expect(platform.sent.length).toBe(CHATS.length);
    // Within a probe interval (and the worker's poll).
    expect(Math.max(...platform.sent.map((s) => s.at)) - fixed).toBeLessThanOrEqual(PROBE_MAX_MS + POLL_MS);
  });

  it('a restart starts afresh: a new worker on the same store sends the held deliveries at once', async () => {
    const { clock, store, platform, add, run } = setup();
    platform.mode = 'down';
    for (const c of CHATS) await add(c, c);
    await run(3 * 60_000);
    platform.mode = 'up';
    // As after a restart with the platform back: no waiting for the old process's probe schedule
    // (its next probe is up to 15 s away).
    const fresh = newWorker(store, platform, clock);
    await fresh.runDue();
    expect(platform.sent.map((s) => s.chat).sort()).toEqual(CHATS);
  });

  it('releases the held deliveries within the rate limits', async () => {
    // One message a second per group, five a second for the bot.
    const { platform, add, run } = setup({}, { group: { count: 1, perMs: 1000 }, bot: { count: 5, perMs: 1000 } });
    const groups = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7'];
    platform.mode = 'down';
    for (const c of groups) for (const t of ['1', '2']) await add(c, `${c}-${t}`);
    await run(60_000);
    platform.mode = 'up';
    await run(60_000, () => platform.sent.length === 14);
    expect(platform.sent.length).toBe(14);
    /** At most `max` in any window of `ms`. */
    const within = (ats: number[], ms: number, max: number) => ats.every((at) => ats.filter((b) => b > at - ms && b <= at).length <= max);
    const ats = platform.sent.map((s) => s.at);
    expect(within(ats, 1000, 5)).toBe(true);
    for (const c of groups) expect(within(platform.sent.filter((s) => s.chat === c).map((s) => s.at), 1000, 1)).toBe(true);
    // Released together: the probe's answer is followed at once by as many as the bot's limit allows.
    expect(ats.filter((at) => at < ats[0]! + 1000).length).toBe(5);
  });

  it('a 429 for one chat and a chat not found hold nobody else', async () => {
    const { platform, worker, add } = setup();
    platform.chatError.set('slow', () => new DeliveryError('Too Many Requests: retry after 30', { retryable: true, retryAfterMs: 30_000 }));
    platform.chatError.set('gone', () => new DeliveryError('Bad Request: chat not found', { retryable: false }));
    await add('slow', 'a');
    await add('gone', 'b');
    await worker.runDue();
    expect(worker.failingBots()).toEqual([]);
    await add('ok', 'c');
    expect(await worker.runDue()).toBe(1);
    expect(platform.sent.map((s) => s.chat)).toEqual(['ok']);
  });

  it('a message that alone fails is dead-lettered after maxAttempts (at the backoff’s pace) while the other chats flow', async () => {
    const { store, platform, add, run } = setup({ maxAttempts: 3, baseDelayMs: 1000 });
    platform.chatError.set('poison', () => new DeliveryError('Internal Server Error', { retryable: true }));
    const { deliveries } = await add('poison', 'x');
    for (let i = 0; i < 6; i++) await add(`ok${i}`, `m${i}`);
    const took = await run(5 * 60_000, () => platform.tries.filter((t) => t.chat === 'poison').length === 3);
    // Attempts 1, 2, 3 with 1 s and 2 s of backoff between them (baseDelayMs 1000), as before.
    expect(took).toBeGreaterThanOrEqual(3000);
    expect(await store.getDelivery(deliveries[0]!.id)).toMatchObject({ state: 'dead', lastError: 'gave up after 3 attempts: Internal Server Error' });
    expect(platform.sent.length).toBe(6);
  });

  it('names a chat stuck behind its platform’s waits while the bot works', async () => {
    const { clock, platform, worker, add, run } = setup();
    platform.chatError.set('slow', () => new DeliveryError('Too Many Requests: retry after 30', { retryable: true, retryAfterMs: 30_000 }));
    await add('slow', 'a');
    const since = clock.now();
    await run(CHAT_STUCK_MS - 30_000);
    expect(worker.stuckChats()).toEqual([]);
    await run(30_000);
    expect(worker.stuckChats()).toEqual([{ bot: 'b', chat: 'slow', since, reason: 'Too Many Requests: retry after 30' }]);
    platform.chatError.delete('slow');
    await run(31_000, () => platform.sent.length === 1);
    expect(worker.stuckChats()).toEqual([]);
  });
});

// The worker through an outage, a refused token and a stop while the platform hangs, against the
// real SQLite store with a manual clock. The bot stands for a platform that is down, refuses the
// token, or hangs, as a test switches it.
import { describe, expect, it } from 'vitest';
import { DeliveryError, type BotAdapter, type ChatRef, type SendContext } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';
import type { Message } from '../../src/message.js';
import { RateLimiter } from '../../src/ratelimit.js';
import { Renderer } from '../../src/render/render.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { Worker, type WorkerOptions } from '../../src/worker.js';
import { formats } from '../../src/inbound/index.js';
import { plainText } from '../../src/render/markup.js';
import { StoreHealth } from '../../src/health.js';

class Platform implements BotAdapter {
  readonly platform = 'test';
  mode: 'up' | 'down' | 'unauthorized' | 'hang' = 'up';
  sent: { chat: string; text: string; at: number }[] = [];
  tries: { chat: string; at: number }[] = [];
  aborted = 0;
  constructor(
    readonly id: string,
    private readonly clock: ManualClock,
  ) {}
  parseChat(raw: string) {
    return { chat: raw };
  }
  async send(to: ChatRef, msg: Message, ctx: SendContext) {
    this.tries.push({ chat: to.chat, at: this.clock.now() });
    if (this.mode === 'down') throw new DeliveryError('connect ECONNREFUSED', { retryable: true });
    if (this.mode === 'unauthorized') throw new DeliveryError('401 Unauthorized', { retryable: false, unhealthy: true });
    if (this.mode === 'hang') {
      await new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          this.aborted++;
          reject(new DeliveryError('request aborted', { retryable: true }));
        }),
      );
    }
    this.sent.push({ chat: to.chat, text: plainText(msg.body), at: this.clock.now() });
    return {};
  }
  async start() {}
  async stop() {}
  health() {
    return { state: 'ok' as const, since: '' };
  }
}

function setup(options: Partial<WorkerOptions> = {}, store = SqliteStore.open(':memory:', { clock: new ManualClock(1_000_000) })) {
  const clock = new ManualClock(1_000_000);
  const bot = new Platform('b', clock);
  const storeHealth = new StoreHealth(clock);
  const make = () =>
    new Worker({
      store,
      bots: new Map([['b', bot]]),
      renderer: new Renderer({}, formats, 'en'),
      limiter: new RateLimiter(() => ({}), clock),
      clock,
      logger: createLogger('silent'),
      localeOf: () => 'en',
      // Own backoff of a minute: a chat waiting it out after the platform is back would show.
      options: { concurrency: 16, maxAttempts: 20, baseDelayMs: 60_000, maxDelayMs: 15 * 60_000, pollMs: 100, sendTimeoutMs: 1000, ...options },
      random: () => 1,
      storeHealth,
    });
  const add = (chat: string, text: string) =>
    store.ingest({
      source: 's',
      notice: { source: 's', format: 'report', event: 'e', level: 'info', time: '', text, vars: {} },
      deliveries: [{ bot: 'b', chat, kind: 'group', target: `b:${chat}`, silent: false }],
    });
  return { clock, store, bot, worker: make(), make, add, storeHealth };
}

/** Runs what is due every 100 ms of the manual clock until `done` or `limitMs` have passed. */
async function runUntil(w: Worker, clock: ManualClock, done: () => boolean, limitMs: number) {
  const end = clock.now() + limitMs;
  while (!done() && clock.now() < end) {
    await w.runDue();
    if (!done()) clock.advance(100);
  }
}

describe('worker recovery', () => {
  it('probes a platform that is down with one delivery at a time, and releases every chat the moment it answers', async () => {
    const { clock, bot, worker, add } = setup();
    for (const c of ['a', 'b', 'c', 'd', 'e']) await add(c, `to ${c}`);
    bot.mode = 'down';
    await worker.runDue(); // all five heads fail at once: the outage starts
    expect(bot.tries).toHaveLength(5);
    const outageStart = clock.now();
    await runUntil(worker, clock, () => false, 20_000);
    // Probes after 1, 2, 4, 8 s… one delivery each, not the five chats each on its own.
    expect(bot.tries.slice(5).map((t) => t.at - outageStart)).toEqual([1000, 3000, 7000, 15_000]);
    expect(worker.health().outages).toMatchObject([{ bot: 'b', since: outageStart, reason: 'connect ECONNREFUSED', unhealthy: false }]);
    bot.mode = 'up';
    const back = clock.now();
    await runUntil(worker, clock, () => bot.sent.length === 5, 60_000);
    expect(bot.sent.map((s) => s.chat).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The next probe (at 25 s) works and the others go right after: nobody waits out a minute of backoff.
    const last = Math.max(...bot.sent.map((s) => s.at));
    expect(last - back).toBeLessThanOrEqual(10_000 + 200);
    expect(worker.health().outages).toEqual([]);
  });

  it('sends what was held for a refused token within seconds once it is fixed, and the hold is not kept in the store', async () => {
    const { clock, bot, worker, add, store } = setup();
    const { deliveries } = await add('a', 'one');
    await add('b', 'two');
    bot.mode = 'unauthorized';
    await worker.runDue();
    expect(worker.health().outages).toMatchObject([{ bot: 'b', unhealthy: true, reason: '401 Unauthorized' }]);
    // Held, not an attempt, and due now in the store: a restart would try it at once.
    expect(await store.getDelivery(deliveries[0]!.id)).toMatchObject({ state: 'pending', attempts: 0, nextAt: clock.now() });
    await runUntil(worker, clock, () => false, 5000);
    bot.mode = 'up';
    const fixed = clock.now();
    await runUntil(worker, clock, () => bot.sent.length === 2, 30_000);
    expect(bot.sent).toHaveLength(2);
    expect(clock.now() - fixed).toBeLessThanOrEqual(4000);
  });

  it('starts afresh after a restart: nothing of the outage wait is kept', async () => {
    const { clock, bot, worker, make, add } = setup();
    for (const c of ['a', 'b']) await add(c, `to ${c}`);
    bot.mode = 'unauthorized';
    await worker.runDue();
    await runUntil(worker, clock, () => false, 3000);
    bot.mode = 'up';
    const again = make(); // a new process on the same store
    await again.runDue();
    expect(bot.sent.map((s) => s.chat).sort()).toEqual(['a', 'b']);
  });

  it('lets one failing delivery keep its own backoff while the other chats go on', async () => {
    const { clock, bot, worker, add, store } = setup();
    const bad = await add('a', 'bad one');
    const send = bot.send.bind(bot);
    bot.send = async (to, msg, ctx) => {
      if (to.chat === 'a') {
        bot.tries.push({ chat: 'a', at: clock.now() });
        throw new DeliveryError('upload timed out', { retryable: true });
      }
      return send(to, msg, ctx);
    };
    await worker.runDue();
    const failedAt = clock.now();
    for (const c of ['b', 'c']) await add(c, `to ${c}`);
    await runUntil(worker, clock, () => bot.sent.length === 2, 10_000);
    // Held a second at most, then the probe (another chat) worked and released the bot.
    expect(bot.sent).toHaveLength(2);
    expect(clock.now() - failedAt).toBeLessThanOrEqual(1100);
    // The bad one was not released early: it waits its own minute.
    expect((await store.getDelivery(bad.deliveries[0]!.id))!.nextAt).toBe(failedAt + 60_000);
    expect(bot.tries.filter((t) => t.chat === 'a')).toHaveLength(1);
  });

  it('reports a store that cannot record outcomes in health, and clears it once a record works', async () => {
    const { clock, bot, worker, add, store, storeHealth } = setup();
    await add('a', 'one');
    const markSent = store.markSent.bind(store);
    store.markSent = async () => {
      throw new Error('SQLITE_FULL: database or disk is full');
    };
    await worker.runDue();
    expect(bot.sent).toHaveLength(1);
    expect(storeHealth.problems()).toMatchObject([{ what: 'store', kind: 'store', severity: 'down', reason: 'cannot record delivery outcomes: SQLITE_FULL: database or disk is full' }]);
    store.markSent = markSent;
    await add('b', 'two');
    clock.advance(100);
    await worker.runDue();
    expect(storeHealth.problems()).toEqual([]);
  });

  it('names a chat whose send hangs far beyond its timeout as stuck', async () => {
    const { clock, bot, worker, add } = setup({ sendTimeoutMs: 1000 });
    await add('a', 'hangs');
    bot.mode = 'hang';
    const run = worker.runDue();
    await new Promise<void>((r) => {
      const check = () => (bot.tries.length ? r() : setImmediate(check));
      check();
    });
    clock.advance(2001);
    expect(worker.health().stuck).toMatchObject([{ bot: 'b', target: 'b:a', reason: 'a send has been in flight for 2 s (timeout 1 s)' }]);
    // The send's own timeout is a real timer: let it fire and the run end.
    await run;
    expect(worker.health().stuck).toEqual([]);
  });

  it('at stop, aborts a send that hangs after stopTimeoutMs and leaves it pending, not counted as an attempt', async () => {
    const { bot, worker, add, store } = setup({ stopTimeoutMs: 50 });
    const { deliveries } = await add('a', 'hanging');
    bot.mode = 'hang';
    await worker.start();
    await new Promise<void>((r) => {
      const check = () => (bot.tries.length ? r() : setImmediate(check));
      check();
    });
    await worker.stop();
    expect(bot.aborted).toBe(1);
    expect(await store.getDelivery(deliveries[0]!.id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(worker.health().outages).toEqual([]);
  });
});

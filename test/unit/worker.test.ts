// The worker against the real SQLite store and a scripted adapter, with a manual clock.
import { describe, expect, it } from 'vitest';
import { DeliveryError, type BotAdapter, type ChatRef, type RateLimits, type SendContext } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import type { Message } from '../../src/message.js';
import { RateLimiter, windowMs } from '../../src/ratelimit.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { backoffMs } from '../../src/worker.js';
import { plainText } from '../../src/render/markup.js';
import pino from 'pino';
import { WORKER_OPTIONS, addReport, testWorker } from '../helpers/worker.js';

class ScriptedBot implements BotAdapter {
  readonly platform = 'test';
  sent: { chat: string; text: string }[] = [];
  failures: (DeliveryError | undefined)[] = [];
  constructor(readonly id: string) {}
  parseChat(raw: string) {
    return { chat: raw };
  }
  async send(to: ChatRef, msg: Message) {
    const f = this.failures.shift();
    if (f) throw f;
    this.sent.push({ chat: to.chat, text: plainText(msg.body) });
    return {};
  }
  async start() {}
  async stop() {}
  health() {
    return { state: 'ok' as const, since: '' };
  }
}

function setup(limits: RateLimits = {}) {
  const clock = new ManualClock(1_000_000);
  const store = SqliteStore.open(':memory:', { clock });
  const bot = new ScriptedBot('b');
  const worker = testWorker(store, bot, clock, { limits });
  const add = (chat: string, text: string) => addReport(store, clock, chat, text);
  return { clock, store, bot, worker, add };
}

/** The store whose markSent waits for `release` (a slow commit); `onCall` is told of each call. */
function slowCommits(real: SqliteStore, onCall: () => void = () => {}) {
  let release!: () => void;
  const recorded = new Promise<void>((r) => (release = r));
  const store = new Proxy(real, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop !== 'markSent') return typeof v === 'function' ? v.bind(target) : v;
      return async (...a: Parameters<SqliteStore['markSent']>) => {
        onCall();
        await recorded;
        return target.markSent(...a);
      };
    },
  }) as SqliteStore;
  return { store, release };
}

describe('worker', () => {
  it('retries with exponential backoff, then dead-letters with the reason', async () => {
    const { clock, store, bot, worker, add } = setup();
    const { deliveries } = await add('c', 'hi');
    bot.failures = [1, 2, 3].map((i) => new DeliveryError(`boom ${i}`, { retryable: true }));
    expect(await worker.runDue()).toBe(1);
    expect((await store.getDelivery(deliveries[0]!.id))!.nextAt).toBe(clock.now() + 1000);
    clock.advance(999);
    expect(await worker.runDue()).toBe(0);
    clock.advance(1);
    // It probes the failing platform now (1 s), and next in 2 s: its attempts go at that pace.
    expect(await worker.runDue()).toBe(1);
    expect(await store.getDelivery(deliveries[0]!.id)).toMatchObject({ attempts: 2, lastError: 'boom 2' });
    clock.advance(1999);
    expect(await worker.runDue()).toBe(0);
    clock.advance(1);
    await worker.runDue();
    const d = (await store.getDelivery(deliveries[0]!.id))!;
    expect(d.state).toBe('dead');
    expect(d.lastError).toBe('gave up after 3 attempts: boom 3');
  });

  it('obeys the platform’s retryAfterMs exactly', async () => {
    const { clock, bot, worker, add } = setup();
    await add('c', 'hi');
    bot.failures = [new DeliveryError('429', { retryable: true, retryAfterMs: 7000 })];
    await worker.runDue();
    clock.advance(6999);
    expect(await worker.runDue()).toBe(0);
    clock.advance(1);
    await worker.runDue();
    expect(bot.sent).toEqual([{ chat: 'c', text: 'hi' }]);
  });

  it('dead-letters a permanent failure at once', async () => {
    const { store, bot, worker, add } = setup();
    const { deliveries } = await add('c', 'hi');
    bot.failures = [new DeliveryError('Forbidden: bot was blocked by the user', { retryable: false })];
    await worker.runDue();
    expect(await store.getDelivery(deliveries[0]!.id)).toMatchObject({ state: 'dead', lastError: 'Forbidden: bot was blocked by the user' });
  });

  it('holds deliveries of an unhealthy bot instead of losing them', async () => {
    const { store, bot, worker, add } = setup();
    const { deliveries } = await add('c', 'hi');
    bot.failures = [new DeliveryError('401 Unauthorized', { retryable: false, unhealthy: true })];
    await worker.runDue();
    expect(await store.getDelivery(deliveries[0]!.id)).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('keeps each chat in order while a waiting chat does not block others', async () => {
    const { clock, bot, worker, add } = setup({ group: { count: 1, perMs: 1000 } });
    for (const t of ['a1', 'a2', 'a3']) await add('a', t);
    await add('b', 'b1');
    await worker.runDue();
    await worker.runDue();
    expect(bot.sent.map((s) => s.text).sort()).toEqual(['a1', 'b1']);
    const window = windowMs({ count: 1, perMs: 1000 });
    clock.advance(window);
    await worker.runDue();
    clock.advance(window);
    await worker.runDue();
    expect(bot.sent.filter((s) => s.chat === 'a').map((s) => s.text)).toEqual(['a1', 'a2', 'a3']);
  });

  it('stop waits for the send in flight, records it, and claims nothing more', async () => {
    const { store, bot, worker, add } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started = new Promise<void>((r) => {
      const send = bot.send.bind(bot);
      bot.send = async (to, msg) => {
        r();
        await gate;
        return send(to, msg);
      };
    });
    const first = await add('c', 'in flight');
    await worker.start();
    await started;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    const later = await add('d', 'after stop');
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(bot.sent.map((s) => s.text)).toEqual(['in flight']);
    expect(await store.getDelivery(first.deliveries[0]!.id)).toMatchObject({ state: 'sent' });
    expect(await store.getDelivery(later.deliveries[0]!.id)).toMatchObject({ state: 'pending' });
  });

  it('backoff doubles, is capped, and jitters between half and all of it', () => {
    expect([1, 2, 3, 10].map((a) => backoffMs(a, 1000, 5000, () => 1))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffMs(3, 1000, 60_000, () => 0)).toBe(2000);
  });
});

describe('worker and a bot whose own rate window is full', () => {
  it('leaves its due deliveries unclaimed (no claim and put back) until the window frees', async () => {
    const { clock, store, bot, worker, add } = setup({ bot: { count: 2, perMs: 60_000 } });
    await add('c1', 'one');
    await add('c2', 'two');
    expect(await worker.runDue()).toBe(2);
    expect(bot.sent.map((s) => s.chat)).toEqual(['c1', 'c2']);
    clock.advance(1000);
    const { deliveries } = await add('c3', 'three');
    // Nothing can go: the head of c3 is not claimed, so it is not rewritten either.
    expect(await worker.runDue()).toBe(0);
    const waiting = (await store.getDelivery(deliveries[0]!.id))!;
    expect(waiting).toMatchObject({ state: 'pending', attempts: 0, nextAt: clock.now() });
    clock.advance(windowMs({ count: 2, perMs: 60_000 }) - 1000);
    expect(await worker.runDue()).toBe(1);
    expect(bot.sent.map((s) => s.chat)).toEqual(['c1', 'c2', 'c3']);
  });
});

describe('worker and slow sends', () => {
  it('counts a send against the limits from when it was answered, not only from when it was reserved', async () => {
    const { clock, bot, worker, add } = setup({ user: { count: 1, perMs: 1000 }, group: { count: 1, perMs: 1000 } });
    const send = bot.send.bind(bot);
    // The platform answers 400 ms after the send was reserved (a stalled process, a slow network).
    bot.send = async (...a: Parameters<ScriptedBot['send']>) => {
      clock.advance(400);
      return send(...a);
    };
    await add('c', 'one');
    await add('c', 'two');
    expect(await worker.runDue()).toBe(1);
    const answeredAt = clock.now();
    clock.advance(windowMs({ count: 1, perMs: 1000 }) - 400);
    await worker.runDue();
    // A window from the reservation would let 'two' go now; from the answer it is not yet time.
    expect(bot.sent.map((s) => s.text)).toEqual(['one']);
    clock.set(answeredAt + windowMs({ count: 1, perMs: 1000 }));
    await worker.runDue();
    expect(bot.sent.map((s) => s.text)).toEqual(['one', 'two']);
  });
});


describe('worker stopped right after a kick', () => {
  it('claims nothing once stopped, even for a kick made just before', async () => {
    const { store, bot, worker, add } = setup();
    const { deliveries } = await add('c', 'late');
    await worker.start();
    worker.kick();
    await worker.stop();
    // Let the turn of the event loop the kick was deferred to pass.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(bot.sent).toEqual([]);
    expect(await store.getDelivery(deliveries[0]!.id)).toMatchObject({ state: 'pending' });
  });
});

describe('worker recording an outcome', () => {
  it('frees the send’s slot meanwhile: another chat goes on, the same chat only once it is recorded', async () => {
    const clock = new ManualClock(1_000_000);
    const real = SqliteStore.open(':memory:', { clock });
    let held = 0;
    // The store records no outcome until `release` (a slow commit).
    const { store, release } = slowCommits(real, () => held++);
    const bot = new ScriptedBot('b');
    const waiters: [number, () => void][] = [];
    const send = bot.send.bind(bot);
    bot.send = async (...a: Parameters<ScriptedBot['send']>) => {
      const r = await send(...a);
      for (const [n, done] of waiters) if (bot.sent.length >= n) done();
      return r;
    };
    const sentCount = (n: number) => new Promise<void>((r) => (bot.sent.length >= n ? r() : waiters.push([n, r])));
    const worker = testWorker(store, bot, clock, { options: { ...WORKER_OPTIONS, concurrency: 1 } });
    const c1 = await addReport(real, clock, 'c', 'c1');
    await addReport(real, clock, 'c', 'c2');
    await addReport(real, clock, 'd', 'd1');
    await worker.start();
    await sentCount(2);
    expect(bot.sent.map((s) => s.text)).toEqual(['c1', 'd1']);
    // c1's outcome is not recorded yet: d1 went meanwhile, and c2 waits behind c1.
    expect(held).toBeGreaterThanOrEqual(1);
    expect(await real.getDelivery(c1.deliveries[0]!.id)).toMatchObject({ state: 'sending' });
    release();
    await sentCount(3);
    await worker.stop();
    expect(bot.sent.map((s) => s.text)).toEqual(['c1', 'd1', 'c2']);
    expect(await real.countByState()).toMatchObject({ sent: 3, pending: 0, sending: 0 });
  });
});

describe('worker told of a commit', () => {
  it('looks for due work at once, unless every bot’s rate window was full at its last look', async () => {
    const clock = new ManualClock(1_000_000);
    const store = SqliteStore.open(':memory:', { clock });
    const bot = new ScriptedBot('b');
    const limiter = new RateLimiter(() => ({ bot: { count: 2, perMs: 60_000 } }), clock);
    let looks = 0;
    const botWait = limiter.botWait.bind(limiter);
    limiter.botWait = (b: string) => {
      looks++;
      return botWait(b);
    };
    // A long poll: only what the test does makes the worker look.
    const worker = testWorker(store, bot, clock, { limiter, options: { ...WORKER_OPTIONS, pollMs: 3_600_000 } });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    try {
      await addReport(store, clock, 'c1', 'one');
      await addReport(store, clock, 'c2', 'two');
      await worker.start();
      await settle();
      expect(bot.sent.map((s) => s.chat)).toEqual(['c1', 'c2']);
      // The window is full now; the last look saw it.
      await addReport(store, clock, 'c3', 'three');
      worker.committed();
      await settle();
      const seen = looks;
      worker.committed();
      await settle();
      expect(looks).toBe(seen);
      expect(bot.sent).toHaveLength(2);
      // Once the window frees, a commit is looked at at once again.
      clock.advance(windowMs({ count: 2, perMs: 60_000 }));
      worker.committed();
      await settle();
      expect(looks).toBeGreaterThan(seen);
      expect(bot.sent.map((s) => s.chat)).toEqual(['c1', 'c2', 'c3']);
    } finally {
      await worker.stop();
    }
  });
});

describe('worker stopped past its stop timeout', () => {
  it('says how many sends wait on their platform (aborted) and how many outcomes are still being recorded', async () => {
    const clock = new ManualClock(1_000_000);
    const real = SqliteStore.open(':memory:', { clock });
    let reachedStore!: () => void;
    const storeReached = new Promise<void>((r) => (reachedStore = r));
    // The store records no outcome until `recorded` (a slow commit).
    const { store, release: recorded } = slowCommits(real, () => reachedStore());
    let hanging!: () => void;
    const hangs = new Promise<void>((r) => (hanging = r));
    // Chat 'h' hangs until the stop aborts it; the others are answered at once.
    const bot = new (class extends ScriptedBot {
      override async send(to: ChatRef, msg: Message, ctx?: SendContext) {
        if (to.chat !== 'h') return super.send(to, msg);
        hanging();
        return new Promise<never>((_, reject) => ctx!.signal.addEventListener('abort', () => reject(ctx!.signal.reason)));
      }
    })('b');
    const warnings: { msg: string; sends?: number; recording?: number }[] = [];
    const logger = pino({ level: 'warn' }, {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg: string; sends?: number; recording?: number };
        warnings.push(entry);
        // Once the stop has said what it waits for, the slow commit ends.
        if (entry.msg.startsWith('stopping:')) recorded();
      },
    });
    const worker = testWorker(store, bot, clock, { logger, options: { ...WORKER_OPTIONS, stopTimeoutMs: 50 } });
    await addReport(real, clock, 'h', 'hangs');
    const r = await addReport(real, clock, 'r', 'recorded slowly');
    await worker.start();
    await Promise.all([hangs, storeReached]);
    await worker.stop();
    const said = warnings.filter((w) => w.msg.startsWith('stopping:'));
    expect(said).toEqual([expect.objectContaining({ sends: 1, recording: 1 })]);
    expect(said[0]!.msg).toMatch(/1 send.*aborted.*1 outcome.*being recorded/);
    expect(await real.getDelivery(r.deliveries[0]!.id)).toMatchObject({ state: 'sent' });
  });
});

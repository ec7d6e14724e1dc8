// A store that cannot record an outcome (locked by another process, disk full) is a store error,
// not a failed send: the worker keeps trying to record it while it holds the claim, never sends
// the message again because of it, and says so to health. A claim it could not record in time
// expires and is retried, so the chat does not stay frozen until a restart.
import { describe, expect, it } from 'vitest';
import type { BotAdapter, ChatRef } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import type { Message } from '../../src/message.js';
import { plainText } from '../../src/render/markup.js';
import { addReport, testWorker } from '../helpers/worker.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { StoreUnavailable, type Store } from '../../src/store/store.js';

class RecordingBot implements BotAdapter {
  readonly platform = 'test';
  sent: string[] = [];
  constructor(readonly id: string) {}
  parseChat(raw: string) {
    return { chat: raw };
  }
  async send(_to: ChatRef, msg: Message) {
    this.sent.push(plainText(msg.body));
    return {};
  }
  async start() {}
  async stop() {}
  health() {
    return { state: 'ok' as const, since: '' };
  }
}

/** The real SQLite store whose acknowledgements fail while `failing` is set, as a full disk does. */
function failingAcks(store: SqliteStore) {
  const ctl = { failing: false, refused: 0 };
  const fail = () => {
    ctl.refused++;
    throw new StoreUnavailable('the store could not commit: database or disk is full');
  };
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (ctl.failing && ['markSent', 'markRetry', 'markDead', 'renewClaims'].includes(String(prop))) return async () => fail();
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as Store;
  return { ctl, wrapped };
}

function setup(leaseMs = 60_000) {
  const clock = new ManualClock(1_000_000);
  const real = SqliteStore.open(':memory:', { clock, instance: 'me' });
  const { ctl, wrapped } = failingAcks(real);
  const bot = new RecordingBot('b');
  const health: (string | undefined)[] = [];
  const sleeps: number[] = [];
  const worker = testWorker(wrapped, bot, clock, {
    claimLeaseMs: leaseMs,
    onStoreHealth: (p) => health.push(p),
    // Waiting moves the test's clock; the store comes back after `ctl.failFor` ms of it.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
      if (clock.now() >= until) ctl.failing = false;
    },
  });
  let until = Infinity;
  const failFor = (ms: number) => {
    ctl.failing = true;
    until = clock.now() + ms;
  };
  const add = (chat: string, text: string) => addReport(real, clock, chat, text);
  return { clock, real, ctl, bot, worker, add, health, sleeps, failFor };
}

describe('worker and a failing store', () => {
  it('keeps recording a sent message while it holds the claim, and never sends it again', async () => {
    const { real, bot, worker, add, health, sleeps, failFor } = setup();
    const { deliveries } = await add('c', 'once');
    failFor(5000); // the ack fails for 5 s (a lock held by another process)
    expect(await worker.runDue()).toBe(1);
    expect(bot.sent).toEqual(['once']);
    expect(await real.getDelivery(deliveries[0]!.id)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(sleeps.length).toBeGreaterThan(2);
    expect(health[0]).toMatch(/store is failing: .*disk is full/);
    expect(health.at(-1)).toBeUndefined();
    expect(await worker.runDue()).toBe(0);
    expect(bot.sent).toEqual(['once']);
  });

  it('lets a claim it could not record expire; the delivery is then retried and the chat goes on', async () => {
    const { clock, real, ctl, bot, worker, add, health, failFor } = setup(10_000);
    const first = await add('c', 'first');
    const second = await add('c', 'second');
    failFor(60_000); // longer than the claim's lease
    expect(await worker.runDue()).toBe(1);
    expect(bot.sent).toEqual(['first']);
    expect((await real.getDelivery(first.deliveries[0]!.id))!.state).toBe('sending');
    expect(health.at(-1)).toMatch(/store is failing/);
    clock.set(1_000_000 + 60_000);
    ctl.failing = false;
    // The store works again; the expired claim is released and the chat's lane moves on.
    expect(await real.releaseClaims(clock.now())).toBe(1);
    expect(await worker.runDue()).toBe(1);
    expect(await worker.runDue()).toBe(1);
    expect(bot.sent).toEqual(['first', 'first', 'second']);
    expect((await real.getDelivery(second.deliveries[0]!.id))!.state).toBe('sent');
  });
});

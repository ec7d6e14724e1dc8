// Bot ownership through a store that cannot be written for a while. On SQLite (one file, one lock)
// nobody else can take the bot meanwhile, so the owner keeps it; on a shared store the owner stops
// before its lease can run out, so two instances never send for one bot at once.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';
import { BOT_LEASE_MS, Ownership } from '../../src/ownership.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { StoreUnavailable, type Store } from '../../src/store/store.js';

/** The store, whose writes fail while `locked` as a SQLite file locked by another process does. */
function lockable(store: Store) {
  const state = { locked: false };
  const writes = new Set(['acquireBots', 'takeBot', 'releaseBots']);
  const proxy = new Proxy(store, {
    get(target, p, receiver) {
      if (state.locked && typeof p === 'string' && writes.has(p)) return async () => Promise.reject(new StoreUnavailable('the store could not commit: database is locked'));
      const v = Reflect.get(target, p, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store: proxy, state };
}

function setup(exclusiveStore: boolean) {
  const clock = new ManualClock(1_000_000);
  const { store, state } = lockable(SqliteStore.open(':memory:', { clock, instance: 'me' }));
  const events: string[] = [];
  const own = new Ownership({
    store,
    bots: ['telegram'],
    clock,
    logger: createLogger('silent'),
    onGain: (b) => void events.push(`gain ${b}`),
    onLose: (b) => void events.push(`lose ${b}`),
    exclusiveStore,
  });
  /** One round every 3 s of the clock (as the timer does), for `ms`. */
  const rounds = async (ms: number) => {
    for (let t = 0; t < ms; t += 3000) {
      clock.advance(3000);
      await own.wake();
    }
  };
  return { clock, own, state, events, rounds };
}

describe('bot ownership while the store is locked', () => {
  it('on SQLite keeps the bot for as long as the lock lasts, and renews it after', async () => {
    const { own, state, events, rounds } = setup(true);
    await own.wake();
    expect(own.owned()).toEqual(['telegram']);
    state.locked = true;
    await rounds(5 * BOT_LEASE_MS);
    expect(own.owned()).toEqual(['telegram']);
    state.locked = false;
    await rounds(3000);
    expect(own.owned()).toEqual(['telegram']);
    expect(events).toEqual(['gain telegram']);
  });

  it('on a shared store stops sending before its lease can run out by its own clock', async () => {
    const { clock, own, state, events } = setup(false);
    await own.wake();
    const renewed = clock.now();
    state.locked = true;
    let lostAt: number | undefined;
    for (let i = 0; i < 10 && lostAt === undefined; i++) {
      clock.advance(1000);
      await own.wake();
      if (!own.owned().length) lostAt = clock.now();
    }
    expect(events).toEqual(['gain telegram', 'lose telegram']);
    expect(lostAt! - renewed).toBeLessThan(BOT_LEASE_MS);
    expect(lostAt! - renewed).toBeGreaterThanOrEqual(BOT_LEASE_MS * 0.8);
  });

  it('on a shared store sends nothing past its lease even when no round has run since', async () => {
    const { clock, own } = setup(false);
    await own.wake();
    clock.advance(BOT_LEASE_MS - 1);
    expect(own.owned()).toEqual(['telegram']);
    clock.advance(1);
    expect(own.owned()).toEqual([]);
    await own.wake(); // renewed
    expect(own.owned()).toEqual(['telegram']);
  });

  it('on SQLite ownership changes only at a round, however late', async () => {
    const { clock, own } = setup(true);
    await own.wake();
    clock.advance(5 * BOT_LEASE_MS);
    expect(own.owned()).toEqual(['telegram']);
  });
});

// A bot taken over by another instance keeps to the platform's limits: the new owner counts what
// the previous one sent (read from the shared store) before it sends anything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RateLimits } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import { newEventId } from '../../src/event-id.js';
import { carryOverLimits, RateLimiter } from '../../src/ratelimit.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { addReport } from '../helpers/worker.js';

const LIMITS: RateLimits = { group: { count: 3, perMs: 1000 }, bot: { count: 5, perMs: 1000 } };
const T0 = 1_800_000_000_000;

/** The owner's worker, reduced to its limits: claim what is due, send it if the limits allow, else wait as told. */
async function work(store: Store, limiter: RateLimiter, clock: ManualClock, sent: { chat: string; at: number }[], until: (n: number) => boolean) {
  while (!until(sent.length)) {
    const due = await store.claimDue(clock.now(), 10, ['tg']);
    for (const d of due) {
      const wait = limiter.reserve('tg', d.chat, d.kind);
      if (wait === 0) {
        sent.push({ chat: d.chat, at: clock.now() });
        await store.markSent(d, clock.now());
      } else await store.markRetry(d, clock.now() + wait, undefined, clock.now(), false);
      if (until(sent.length)) return;
    }
    clock.advance(50);
  }
}

/** The most sends in any window of `perMs` (the platform's own window). */
function peak(times: number[], perMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j]! - t[i]! >= perMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('rate limits carried over when a bot changes owner', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the new owner does not exceed the window the dead owner filled', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookbot-carry-'));
    const file = join(dir, 'h.db');
    const clock = new ManualClock(T0);
    const a = SqliteStore.open(file, { clock, instance: 'a' });
    const b = SqliteStore.open(file, { clock, instance: 'b' });
    for (let i = 0; i < 8; i++)
      await a.ingest({
        id: newEventId(clock.now()),
        source: 's',
        notice: { source: 's', format: 'report', event: 'e', level: 'info', time: '', text: String(i), vars: {} },
        deliveries: ['x', 'y'].map((chat) => ({ bot: 'tg', chat, kind: 'group' as const, target: `tg:${chat}`, silent: false })),
      });
    const sent: { chat: string; at: number }[] = [];
    // A sends until the bot's window is full (5: 3 to one chat, 2 to the other), then dies.
    await work(a, new RateLimiter(() => LIMITS, clock), clock, sent, (n) => n >= 5);
    await a.close();
    clock.advance(100);

    const fresh = new RateLimiter(() => LIMITS, clock);
    const limiter = new RateLimiter(() => LIMITS, clock);
    // A's 5 sends, and the claims it held when it died (maybe sent: counted too).
    const inFlight = (await b.countByState()).sending;
    expect(inFlight).toBeGreaterThan(0);
    expect(await carryOverLimits(limiter, b, 'tg', clock)).toBe(5 + inFlight);
    expect(await b.releaseClaims(clock.now(), { deadOwners: ['a'] })).toBe(inFlight);
    // Without A's sends counted, B would send at once; with them it waits for A's first to age out.
    expect(fresh.reserve('tg', 'x', 'group')).toBe(0);
    expect(limiter.reserve('tg', 'x', 'group')).toBeGreaterThan(0);

    await work(b, limiter, clock, sent, (n) => n >= 16);
    for (const chat of ['x', 'y']) expect(peak(sent.filter((s) => s.chat === chat).map((s) => s.at), 1000)).toBeLessThanOrEqual(3);
    expect(peak(sent.map((s) => s.at), 1000)).toBeLessThanOrEqual(5);
    await b.close();
  });

  it('reads only the window: sends older than the longest limit are not counted', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookbot-carry-'));
    const clock = new ManualClock(T0);
    const store = SqliteStore.open(join(dir, 'h.db'), { clock, instance: 'a' });
    await addReport(store, clock, 'x', 'x', 'tg');
    const [d] = await store.claimDue(clock.now(), 1, ['tg']);
    await store.markSent(d!, clock.now());
    const limiter = new RateLimiter(() => LIMITS, clock);
    clock.advance(limiter.longestWindowMs('tg') + 1);
    expect(await carryOverLimits(limiter, store, 'tg', clock)).toBe(0);
    await store.close();
  });
});

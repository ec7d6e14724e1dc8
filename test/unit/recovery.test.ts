import { describe, expect, it } from 'vitest';
import { Recovery } from '../../src/recovery.js';

describe('Recovery', () => {
  it('holds a failing bot and probes it after 1 s, doubling, capped', () => {
    const r = new Recovery({ minMs: 1000, maxMs: 10_000 });
    const probes: number[] = [];
    let now = 0;
    r.failed('tg', 1, 'connect ECONNREFUSED', now, false);
    expect(r.held()).toEqual(['tg']);
    for (let i = 0; i < 7; i++) {
      expect(r.probesDue(now)).toEqual([]);
      now = r.nextProbeAt()!;
      probes.push(now);
      expect(r.probesDue(now)).toEqual(['tg']);
      r.probing('tg', true);
      expect(r.probesDue(now)).toEqual([]); // one probe at a time
      r.probing('tg', false);
      r.failed('tg', 1, 'connect ECONNREFUSED', now, false, true);
    }
    expect(probes.map((t, i) => t - (probes[i - 1] ?? 0))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(r.outages()).toEqual([{ bot: 'tg', since: 0, reason: 'connect ECONNREFUSED', unhealthy: false, failures: 8, probeAt: now + 10_000 }]);
  });

  it('does not push the probe further out for sends that were in flight and fail meanwhile', () => {
    const r = new Recovery({ minMs: 1000, maxMs: 10_000 });
    for (const id of [1, 2, 3, 4, 5]) r.failed('tg', id, 'connect ECONNREFUSED', 0, false);
    expect(r.nextProbeAt()).toBe(1000);
    expect(r.outages()[0]!.failures).toBe(5);
  });

  it('releases the bot and what failed during the outage when a send works', () => {
    const r = new Recovery({ minMs: 1000, maxMs: 10_000 });
    for (const id of [1, 2, 3]) r.failed('tg', id, '502 Bad Gateway', 0, false);
    r.failed('slack', 9, 'timeout', 0, false);
    const back = r.succeeded('tg', 2);
    expect(back!.release.sort()).toEqual([1, 3]);
    expect(back!.outage).toMatchObject({ bot: 'tg', since: 0, failures: 3 });
    expect(r.held()).toEqual(['slack']);
    expect(r.succeeded('tg', 4)).toBeUndefined();
  });

  it('releases nothing when only one delivery failed: it keeps its own backoff', () => {
    const r = new Recovery({ minMs: 1000, maxMs: 10_000 });
    r.failed('tg', 1, 'upload timed out', 0, false);
    r.failed('tg', 1, 'upload timed out', 1000, false); // the probe was the same delivery
    expect(r.succeeded('tg', 5)).toMatchObject({ release: [] });
    expect(r.held()).toEqual([]);
  });

  it('remembers a refused token as unhealthy', () => {
    const r = new Recovery({ minMs: 1000, maxMs: 10_000 });
    expect(r.failed('tg', 1, '401 Unauthorized', 5, true)).toMatchObject({ unhealthy: true, since: 5, probeAt: 1005 });
  });
});

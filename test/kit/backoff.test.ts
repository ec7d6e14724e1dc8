import { describe, expect, it } from 'vitest';
import { Reconnector, backoffDelay } from '../../src/kit/backoff.js';

describe('backoffDelay', () => {
  it.each([
    [0, 1000],
    [1, 2000],
    [3, 8000],
    [6, 60_000],
    [500, 60_000],
  ])('attempt %i waits %i ms', (attempt, want) => {
    expect(backoffDelay({ firstMs: 1000, maxMs: 60_000 }, attempt)).toBe(want);
  });

  it('takes jitter off the wait, never adding to it', () => {
    const b = { firstMs: 1000, maxMs: 60_000, jitter: 0.5 };
    expect(backoffDelay(b, 2, () => 0)).toBe(4000);
    expect(backoffDelay(b, 2, () => 0.999999)).toBe(2000);
    expect(backoffDelay(b, 2, () => 0.5)).toBe(3000);
  });
});

describe('Reconnector', () => {
  it('retries a failing attempt with growing waits until it connects', async () => {
    const waits: number[] = [];
    let tries = 0;
    let connected!: () => void;
    const done = new Promise<void>((r) => (connected = r));
    const r = new Reconnector(
      { firstMs: 1, maxMs: 4 },
      async () => {
        if (++tries < 4) throw new Error(`refused ${tries}`);
        connected();
        return true;
      },
      (_e, inMs) => waits.push(inMs),
    );
    r.start();
    await done;
    expect(tries).toBe(4);
    expect(waits).toEqual([1, 2, 4]);
    r.stop();
  });

  it('stops trying when the attempt says a person is needed', async () => {
    let tries = 0;
    let stopped!: () => void;
    const done = new Promise<void>((r) => (stopped = r));
    const r = new Reconnector({ firstMs: 1, maxMs: 1 }, async () => {
      tries++;
      stopped();
      return false;
    }, () => {
      throw new Error('no retry expected');
    });
    r.start();
    await done;
    expect(tries).toBe(1);
    r.stop();
  });

  it('does nothing more once stopped', async () => {
    let tries = 0;
    const failures: number[] = [];
    let failed!: () => void;
    const once = new Promise<void>((r) => (failed = r));
    const r = new Reconnector({ firstMs: 60_000, maxMs: 60_000 }, async () => {
      tries++;
      throw new Error('down');
    }, (_e, inMs) => {
      failures.push(inMs);
      failed();
    });
    r.start();
    await once;
    r.stop();
    r.start();
    expect(tries).toBe(1);
    expect(failures).toEqual([60_000]);
  });
});

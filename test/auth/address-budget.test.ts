import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { AddressBudget } from '../../src/auth/address-budget.js';

describe('AddressBudget', () => {
  it('keeps a bucket per address', () => {
    const b = new AddressBudget(2, 1000, new ManualClock(0));
    expect([b.take('a'), b.take('a'), b.take('a')]).toEqual([0, 0, 500]);
    expect(b.take('b')).toBe(0);
  });

  it('remembers a bounded number of addresses, forgetting the one refused longest ago', () => {
    const b = new AddressBudget(1, 60_000, new ManualClock(0), 3);
    for (const a of ['a', 'b', 'c']) b.take(a);
    b.take('a'); // a is refused again: now the most recent
    b.take('d'); // forgets b
    expect(b.size).toBe(3);
    expect(b.take('a')).toBeGreaterThan(0);
    expect(b.take('b')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { ManualClock, after } from '../../src/clock.js';

describe('ManualClock timers', () => {
  it('fires each timer once the clock passes it, in time order, showing the timer’s time', () => {
    const clock = new ManualClock(1000);
    const fired: [string, number][] = [];
    after(clock, 300, () => fired.push(['b', clock.now()]));
    after(clock, 100, () => fired.push(['a', clock.now()]));
    const cancel = after(clock, 200, () => fired.push(['cancelled', clock.now()]));
    cancel();
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(250);
    expect(fired).toEqual([
      ['a', 1100],
      ['b', 1300],
    ]);
    expect(clock.now()).toBe(1349);
  });

  it('fires a timer set by another timer when the same move reaches it, and on set() forward', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    after(clock, 10, () => after(clock, 10, () => fired.push(clock.now())));
    clock.advance(20);
    expect(fired).toEqual([20]);
    after(clock, 5, () => fired.push(clock.now()));
    clock.set(30);
    expect(fired).toEqual([20, 25]);
    expect(clock.now()).toBe(30);
  });
});

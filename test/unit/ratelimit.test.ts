import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/ratelimit.js';
import { ManualClock } from '../../src/clock.js';

const limits = { user: { count: 1, perMs: 1000 }, group: { count: 20, perMs: 60_000 }, bot: { count: 30, perMs: 1000 } };

describe('RateLimiter', () => {
  it('allows one message per second to a private chat', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(0);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(1000);
    clock.advance(999);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(1);
    clock.advance(1);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(0);
  });

  it('spreads a burst to a group at 20 per minute', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    let sent = 0;
    for (let t = 0; t < 120_000; t += 100) {
      clock.set(t);
      while (rl.reserve('tg', 'g', 'group') === 0) sent++;
    }
    // 20 at once, then one every 3 s for the remaining 120 s.
    expect(sent).toBe(20 + 39);
  });

  it('does not let one busy chat hold up another', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    rl.reserve('tg', 'a', 'user');
    expect(rl.reserve('tg', 'a', 'user')).toBeGreaterThan(0);
    expect(rl.reserve('tg', 'b', 'user')).toBe(0);
  });

  it('caps the bot across chats and takes no chat token when the bot must wait', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    for (let i = 0; i < 30; i++) expect(rl.reserve('tg', `c${i}`, 'user')).toBe(0);
    expect(rl.reserve('tg', 'fresh', 'user')).toBeGreaterThan(0);
    clock.advance(34);
    expect(rl.reserve('tg', 'fresh', 'user')).toBe(0);
  });
});

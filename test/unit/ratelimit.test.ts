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

  it('keeps a least gap between two messages on top of the count', () => {
    const clock = new ManualClock(0);
    const spaced = { group: { count: 20, perMs: 60_000, minGapMs: 1000 } };
    const rl = new RateLimiter(() => spaced, clock);
    const at: number[] = [];
    for (let t = 0; t <= 36_000; t += 100) {
      clock.set(t);
      if (rl.reserve('tg', 'g', 'group') === 0) at.push(t);
    }
    // One a second while the 20 tokens last (a third of one comes back each second), then one every 3 s.
    expect(at.slice(0, 29)).toEqual(Array.from({ length: 29 }, (_, i) => i * 1000));
    expect(at.slice(29)).toEqual([30_000, 33_000, 36_000]);
    clock.set(36_500);
    expect(rl.reserve('tg', 'g', 'group')).toBe(2500);
  });

  it('keeps a chat\'s bucket per kind when it is named both as a user and as a group', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    expect(rl.reserve('tg', '-100', 'user')).toBe(0);
    expect(rl.reserve('tg', '-100', 'group')).toBe(0);
    // Swapping kinds must not hand out a fresh, full bucket each time.
    expect(rl.reserve('tg', '-100', 'user')).toBeGreaterThan(0);
  });

  it('charges the extra messages of a delivery that went out in several parts', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    expect(rl.reserve('tg', 'u', 'user')).toBe(0);
    rl.charge('tg', 'u', 'user', 2); // three messages went: the chat owes two more seconds
    expect(rl.reserve('tg', 'u', 'user')).toBe(3000);
    // The bot's bucket paid too: 30 - 3 = 27 tokens are left for other chats at this instant.
    for (let i = 0; i < 27; i++) expect(rl.reserve('tg', `o${i}`, 'user')).toBe(0);
    expect(rl.reserve('tg', 'last', 'user')).toBeGreaterThan(0);
    clock.advance(3000);
    expect(rl.reserve('tg', 'u', 'user')).toBe(0);
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

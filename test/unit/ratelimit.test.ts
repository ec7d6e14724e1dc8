import { describe, expect, it } from 'vitest';
import { RateLimiter, windowMs } from '../../src/ratelimit.js';
import { ManualClock } from '../../src/clock.js';
import type { RateLimits } from '../../src/bot.js';

const limits: RateLimits = { user: { count: 1, perMs: 1000 }, group: { count: 20, perMs: 60_000 }, bot: { count: 30, perMs: 1000 } };
const USER_WINDOW = windowMs({ count: 1, perMs: 1000 });
const GROUP_WINDOW = windowMs({ count: 20, perMs: 60_000 });

/** Sends greedily to one chat: whenever it may, it does; otherwise it waits exactly as told. */
function greedy(rl: RateLimiter, clock: ManualClock, n: number, chat = 'g', kind: 'user' | 'group' = 'group'): number[] {
  const at: number[] = [];
  while (at.length < n) {
    const wait = rl.reserve('tg', chat, kind);
    if (wait === 0) at.push(clock.now());
    else clock.advance(wait);
  }
  return at;
}

describe('RateLimiter', () => {
  it('holds each window a little longer than the platform\'s, for the time a request takes to arrive', () => {
    expect(windowMs({ count: 1, perMs: 1000 })).toBe(1050);
    expect(windowMs({ count: 20, perMs: 60_000 })).toBe(61_000);
    expect(windowMs({ count: 100, perMs: 600_000 })).toBe(601_000);
  });

  it('allows one message per second to a private chat', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(0);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(USER_WINDOW);
    clock.advance(USER_WINDOW - 1);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(1);
    clock.advance(1);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(0);
  });

  it('lets 20 go to a group and the 21st only when the first has left the minute: no refill inside the window', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    const at = greedy(rl, clock, 25);
    expect(at.slice(0, 20)).toEqual(Array(20).fill(0));
    // A token bucket would let one more go every 3 s from here; Telegram counts the whole minute.
    expect(at.slice(20)).toEqual(Array(5).fill(GROUP_WINDOW));
  });

  it('sends a burst of 25 to a Telegram group in about a minute, never more than 20 in any 60 s', () => {
    const clock = new ManualClock(0);
    const spaced: RateLimits = { group: { count: 20, perMs: 60_000, minGapMs: 1000 } };
    const rl = new RateLimiter(() => spaced, clock);
    const at = greedy(rl, clock, 25);
    expect(at.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i * 1000));
    expect(at.slice(20)).toEqual(Array.from({ length: 5 }, (_, i) => GROUP_WINDOW + i * 1000));
    for (let i = 0; i + 20 < at.length; i++) expect(at[i + 20]! - at[i]!).toBeGreaterThanOrEqual(60_000);
    expect(at.at(-1)).toBeLessThan(70_000);
  });

  it('holds several rates for one scope at once (Feishu: 5 per second and 100 per minute)', () => {
    const clock = new ManualClock(0);
    const feishu: RateLimits = { bot: [{ count: 5, perMs: 1000 }, { count: 100, perMs: 60_000 }] };
    const rl = new RateLimiter(() => feishu, clock);
    const at = greedy(rl, clock, 105);
    for (let i = 0; i + 5 < at.length; i++) expect(at[i + 5]! - at[i]!).toBeGreaterThanOrEqual(1000);
    for (let i = 0; i + 100 < at.length; i++) expect(at[i + 100]! - at[i]!).toBeGreaterThanOrEqual(60_000);
    // 100 in the first 20 s at 5/s, then nothing until the first of them has left the minute.
    expect(at[99]).toBeLessThan(21_000);
    expect(at[100]).toBe(windowMs({ count: 100, perMs: 60_000 }));
  });

  it('keeps a chat\'s window per kind when it is named both as a user and as a group', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    expect(rl.reserve('tg', '-100', 'user')).toBe(0);
    expect(rl.reserve('tg', '-100', 'group')).toBe(0);
    // Swapping kinds must not hand out a fresh, empty window each time.
    expect(rl.reserve('tg', '-100', 'user')).toBeGreaterThan(0);
  });

  it('counts the extra messages of a delivery that went out in several parts', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    expect(rl.reserve('tg', 'u', 'user')).toBe(0);
    rl.charge('tg', 'u', 'user', 2); // three messages went: all three must leave the window first
    expect(rl.reserve('tg', 'u', 'user')).toBe(USER_WINDOW);
    // The bot's window counted them too: 30 - 3 = 27 places are left for other chats at this instant.
    for (let i = 0; i < 27; i++) expect(rl.reserve('tg', `o${i}`, 'user')).toBe(0);
    expect(rl.reserve('tg', 'last', 'user')).toBeGreaterThan(0);
    clock.advance(USER_WINDOW);
    expect(rl.reserve('tg', 'u', 'user')).toBe(0);
  });

  it('waits for every charged message past the limit to leave the window', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => ({ group: { count: 2, perMs: 1000 } }), clock);
    const w = windowMs({ count: 2, perMs: 1000 });
    expect(rl.reserve('b', 'g', 'group')).toBe(0);
    clock.advance(100);
    expect(rl.reserve('b', 'g', 'group')).toBe(0);
    rl.charge('b', 'g', 'group', 2); // four in the window, two allowed: three must leave
    expect(rl.reserve('b', 'g', 'group')).toBe(w);
    clock.advance(w);
    expect(rl.reserve('b', 'g', 'group')).toBe(0);
  });

  it('does not let one busy chat hold up another', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    rl.reserve('tg', 'a', 'user');
    expect(rl.reserve('tg', 'a', 'user')).toBeGreaterThan(0);
    expect(rl.reserve('tg', 'b', 'user')).toBe(0);
  });

  it('caps the bot across chats and takes no chat place when the bot must wait', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    for (let i = 0; i < 30; i++) expect(rl.reserve('tg', `c${i}`, 'user')).toBe(0);
    const wait = rl.reserve('tg', 'fresh', 'user');
    expect(wait).toBe(USER_WINDOW);
    clock.advance(wait);
    expect(rl.reserve('tg', 'fresh', 'user')).toBe(0);
  });

  it('forgets idle chats so a bot with many chats stays small', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => ({ user: { count: 1, perMs: 1000 } }), clock);
    for (let i = 0; i < 100; i++) rl.reserve('tg', `c${i}`, 'user');
    expect(rl.size).toBe(100);
    clock.advance(61_000);
    rl.reserve('tg', 'late', 'user');
    expect(rl.size).toBe(1);
  });

  it('counts a send from its answer when it was answered later than reserved (a stall bunches sends)', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter(() => limits, clock);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(0);
    clock.advance(300);
    rl.settle('tg', 'u1', 'user', 0);
    clock.advance(USER_WINDOW - 300);
    // Counted from 0 it could go now; counted from its answer at 300 it waits 300 more.
    expect(rl.reserve('tg', 'u1', 'user')).toBe(300);
    clock.advance(300);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(0);
    // A send answered at once moves nothing.
    rl.settle('tg', 'u1', 'user', clock.now());
    clock.advance(USER_WINDOW);
    expect(rl.reserve('tg', 'u1', 'user')).toBe(0);
  });
});


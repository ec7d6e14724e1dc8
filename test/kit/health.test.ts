import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { Health } from '../../src/kit/health.js';
import type { BotHealth } from '../../src/bot.js';

describe('the health state machine', () => {
  it('starts as starting, and records when each state began', () => {
    const clock = new ManualClock(Date.parse('2024-05-01T12:00:00Z'));
    const h = new Health(clock);
    expect(h.get()).toEqual({ state: 'starting', since: '2024-05-01T12:00:00.000Z' });
    clock.advance(1000);
    h.ok();
    expect(h.get()).toEqual({ state: 'ok', since: '2024-05-01T12:00:01.000Z' });
  });

  it.each<[string, (h: Health) => void, Partial<BotHealth>]>([
    ['a retry after ok is starting, with the reason', (h) => (h.ok(), h.retrying('socket closed')), { state: 'starting', reason: 'socket closed' }],
    ['a retry does not hide a refused token', (h) => (h.unhealthy('token refused'), h.retrying('socket closed')), { state: 'unhealthy', reason: 'token refused' }],
    ['ok after unhealthy clears the reason', (h) => (h.unhealthy('token refused'), h.ok()), { state: 'ok', reason: undefined }],
    ['stopped is final until started again', (h) => (h.ok(), h.stopped()), { state: 'stopped' }],
  ])('%s', (_name, steps, want) => {
    const h = new Health(new ManualClock(0));
    steps(h);
    const { reason, ...rest } = want;
    expect(h.get()).toMatchObject(rest);
    expect(h.get().reason).toBe(reason);
  });

  it('tells each change once, and not a repeat of the same state and reason', () => {
    const seen: string[] = [];
    const h = new Health(new ManualClock(0), (now, before) => seen.push(`${before.state}→${now.state}${now.reason ? ': ' + now.reason : ''}`));
    h.retrying('down');
    h.retrying('down');
    h.retrying('still down');
    h.ok();
    h.ok();
    expect(seen).toEqual(['starting→starting: down', 'starting→starting: still down', 'starting→ok']);
  });

  it('keeps the since of a repeated state', () => {
    const clock = new ManualClock(0);
    const h = new Health(clock);
    h.ok();
    clock.advance(5000);
    h.ok();
    expect(h.get().since).toBe(new Date(0).toISOString());
  });
});

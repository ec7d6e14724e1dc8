import { describe, expect, it } from 'vitest';
import type { BotAdapter, BotHealth } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import { StoreHealth, healthReport } from '../../src/health.js';
import type { WorkerHealth } from '../../src/worker.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const bot = (state: BotHealth['state'], reason?: string) => ({ health: () => ({ state, ...(reason ? { reason } : {}), since: new Date(T0).toISOString() }) }) as unknown as BotAdapter;

function report(bots: Record<string, BotAdapter>, worker: WorkerHealth = { outages: [], stuck: [] }, store?: StoreHealth, clock = new ManualClock(T0 + 60_000)) {
  return healthReport({ version: '1.0.0', clock, bots: new Map(Object.entries(bots)), worker, store, outageDownAfterMs: 30 * 60_000 });
}

describe('health', () => {
  it('is ok with no problems', () => {
    expect(report({ tg: bot('ok') })).toMatchObject({ ok: true, status: 'ok', problems: [] });
  });

  it('gives the reason while a bot connects, and stays 200', () => {
    const r = report({ tg: bot('starting', 'reconnecting after ECONNRESET') });
    expect(r).toMatchObject({ ok: true, status: 'degraded' });
    expect(r.problems).toEqual([
      { what: 'bot tg', kind: 'connecting', severity: 'degraded', since: '2026-01-01T00:00:00.000Z', forSeconds: 60, reason: 'connecting: reconnecting after ECONNRESET' },
    ]);
  });

  it('names a platform unreachable since when, 200 at first and 503 once it has lasted long', () => {
    const outage = { bot: 'tg', since: T0, reason: 'connect ECONNREFUSED', unhealthy: false, failures: 4, probeAt: T0 + 68_000 };
    const r = report({ tg: bot('ok') }, { outages: [outage], stuck: [] });
    expect(r).toMatchObject({ ok: true, status: 'degraded' });
    expect(r.problems[0]).toMatchObject({ what: 'bot tg', kind: 'unreachable', severity: 'degraded', since: '2026-01-01T00:00:00.000Z' });
    expect(r.problems[0]!.reason).toBe('platform unreachable since 2026-01-01T00:00:00.000Z, 4 failed sends, next try in 8 s: connect ECONNREFUSED');
    const later = report({ tg: bot('ok') }, { outages: [outage], stuck: [] }, undefined, new ManualClock(T0 + 31 * 60_000));
    expect(later).toMatchObject({ ok: false, status: 'down', problems: [{ severity: 'down', forSeconds: 31 * 60 }] });
  });

  it('is 503 for a refused token, whether the adapter or the worker saw it', () => {
    expect(report({ tg: bot('unhealthy', '401 Unauthorized') })).toMatchObject({ ok: false, problems: [{ kind: 'unhealthy', reason: 'refused by its platform, check its token: 401 Unauthorized' }] });
    const o = { bot: 'tg', since: T0, reason: 'slack: invalid_auth', unhealthy: true, failures: 1, probeAt: T0 + 1000 };
    expect(report({ tg: bot('ok') }, { outages: [o], stuck: [] })).toMatchObject({ ok: false, problems: [{ kind: 'unhealthy', reason: 'refused by its platform, check its token: slack: invalid_auth' }] });
  });

  it('is 503 while the store fails, naming what fails, until it works again', () => {
    const clock = new ManualClock(T0);
    const store = new StoreHealth(clock);
    store.failed('record', new Error('SQLITE_FULL: database or disk is full'));
    clock.advance(5000);
    store.failed('record', new Error('SQLITE_FULL: database or disk is full'));
    const r = report({}, undefined, store, clock);
    expect(r).toMatchObject({ ok: false, status: 'down' });
    expect(r.problems).toEqual([
      { what: 'store', kind: 'store', severity: 'down', since: '2026-01-01T00:00:00.000Z', forSeconds: 5, reason: 'cannot record delivery outcomes: SQLITE_FULL: database or disk is full' },
    ]);
    store.ok('claim'); // reads working says nothing about writes
    expect(report({}, undefined, store, clock).ok).toBe(false);
    store.ok('record');
    expect(report({}, undefined, store, clock)).toMatchObject({ ok: true, problems: [] });
  });

  it('is 503 for a stuck chat, naming it', () => {
    const r = report({ tg: bot('ok') }, { outages: [], stuck: [{ bot: 'tg', target: 'tg:-100', since: T0, reason: 'a send has been in flight for 65 s (timeout 30 s)' }] });
    expect(r).toMatchObject({ ok: false, problems: [{ what: 'chat tg:-100', kind: 'stuck', severity: 'down', reason: 'stuck: a send has been in flight for 65 s (timeout 30 s)' }] });
  });
});

// /healthz names each problem, and its status code tells a monitor whether anything can be delivered.
import { describe, expect, it } from 'vitest';
import type { BotHealth } from '../../src/bot.js';
import { CONNECTING_GRACE_MS, healthReport, type HealthInputs } from '../../src/health-report.js';

const NOW = Date.parse('2026-03-01T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const bot = (h: Partial<BotHealth> = {}) => ({ health: (): BotHealth => ({ state: 'ok', since: iso(NOW - 3600_000), ...h }) });
const base = (over: Partial<HealthInputs> = {}): HealthInputs => ({
  now: NOW,
  version: '1.0.0',
  bots: new Map([
    ['telegram', bot()],
    ['slack', bot()],
  ]),
  store: { state: 'ok', since: iso(NOW - 3600_000) },
  failing: [],
  stuck: [],
  ...over,
});
const outage = (bot: string, kind: 'unreachable' | 'unhealthy' = 'unreachable') => ({ bot, kind, since: NOW - 120_000, reason: 'ECONNREFUSED', failures: 4, nextProbeAt: NOW + 15_000, probing: false });

describe('healthReport', () => {
  it.each([
    ['all is well', base(), 200, 'ok', []],
    ['the store failing', base({ store: { state: 'failing', reason: 'the store is failing: SQLITE_FULL', since: iso(NOW - 5000) } }), 503, 'down', [{ kind: 'store_failing', since: iso(NOW - 5000), reason: 'the store is failing: SQLITE_FULL' }]],
    ['one platform of two unreachable', base({ failing: [outage('telegram')] }), 200, 'degraded', [{ kind: 'platform_unreachable', bot: 'telegram', since: iso(NOW - 120_000), reason: 'ECONNREFUSED' }]],
    ['every platform unreachable', base({ failing: [outage('telegram'), outage('slack')] }), 503, 'down', [expect.objectContaining({ kind: 'platform_unreachable', bot: 'telegram' }), expect.objectContaining({ kind: 'platform_unreachable', bot: 'slack' })]],
    [
      'a bot marked unhealthy by its adapter',
      base({ bots: new Map([['telegram', bot({ state: 'unhealthy', reason: '401 Unauthorized', since: iso(NOW - 60_000) })]]) }),
      503,
      'down',
      [{ kind: 'bot_unhealthy', bot: 'telegram', since: iso(NOW - 60_000), reason: '401 Unauthorized' }],
    ],
    ['a token refused on send', base({ failing: [outage('slack', 'unhealthy')] }), 200, 'degraded', [{ kind: 'bot_unhealthy', bot: 'slack', since: iso(NOW - 120_000), reason: 'ECONNREFUSED' }]],
    ['a bot reconnecting for a while', base({ bots: new Map([['qq', bot({ state: 'starting', reason: 'the reverse WebSocket is not connected', since: iso(NOW - CONNECTING_GRACE_MS) })]]) }), 200, 'degraded', [{ kind: 'bot_connecting', bot: 'qq', since: iso(NOW - CONNECTING_GRACE_MS), reason: 'the reverse WebSocket is not connected' }]],
    ['a bot that has just started connecting', base({ bots: new Map([['qq', bot({ state: 'starting', since: iso(NOW - 1000) })]]) }), 200, 'ok', []],
    ['a chat stuck', base({ stuck: [{ bot: 'telegram', chat: '-100', since: NOW - 300_000, reason: 'retry after 30' }] }), 200, 'degraded', [{ kind: 'chat_stuck', bot: 'telegram', chat: '-100', since: iso(NOW - 300_000), reason: 'retry after 30' }]],
    ['a chat of an unreachable bot (the bot says it)', base({ failing: [outage('telegram')], stuck: [{ bot: 'telegram', chat: '-100', since: NOW - 300_000, reason: 'x' }] }), 200, 'degraded', [expect.objectContaining({ kind: 'platform_unreachable' })]],
    ['a bot another instance sends for', base({ failing: [outage('slack')], mine: (b) => b === 'telegram' }), 200, 'ok', []],
  ])('%s', (_, inputs, httpStatus, status, problems) => {
    const r = healthReport(inputs);
    expect(r.httpStatus).toBe(httpStatus);
    expect(r.status).toBe(status);
    expect(r.problems).toEqual(problems);
    // The shape monitors already read stays: ok, bots, store.
    expect(r.body).toMatchObject({ ok: status === 'ok', status, problems, version: '1.0.0', store: inputs.store });
    expect(Object.keys(r.body['bots'] as object)).toEqual([...inputs.bots.keys()]);
  });
});

import { describe, it, expect } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createSourceGuard } from '../../src/auth/guard.js';
import { HttpError } from '../../src/http/errors.js';
import { facts, source } from './facts.js';

function admit(g: ReturnType<typeof createSourceGuard>, remoteAddress = '127.0.0.1'): HttpError | undefined {
  try {
    g.admit(facts({ remoteAddress }));
    return undefined;
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
}

describe('per-source request rate', () => {
  it('answers 429 with Retry-After past the limit, then recovers as time passes', () => {
    const clock = new ManualClock(1_000_000);
    const g = createSourceGuard('bgi', source({ public: true, rateLimit: { count: 3, perMs: 60_000 } }), { clock, trustProxies: [] });
    expect([admit(g), admit(g), admit(g)]).toEqual([undefined, undefined, undefined]);
    const refused = admit(g);
    expect(refused?.status).toBe(429);
    expect(refused?.headers['Retry-After']).toBe('20'); // one request's worth of a 3-per-minute bucket
    expect(refused?.message).toBe("source 'bgi' allows 3 requests per 60000 ms: retry in 20 s");

    clock.advance(19_999);
    expect(admit(g)?.status).toBe(429);
    clock.advance(1);
    expect(admit(g)).toBeUndefined();
    expect(admit(g)?.status).toBe(429);

    // After a full quiet period the burst is available again, and no more than it.
    clock.advance(10 * 60_000);
    expect([admit(g), admit(g), admit(g)]).toEqual([undefined, undefined, undefined]);
    expect(admit(g)?.status).toBe(429);
  });

  it('keeps sources apart', () => {
    const clock = new ManualClock(0);
    const a = createSourceGuard('a', source({ public: true, rateLimit: { count: 1, perMs: 1000 } }), { clock, trustProxies: [] });
    const b = createSourceGuard('b', source({ public: true, rateLimit: { count: 1, perMs: 1000 } }), { clock, trustProxies: [] });
    expect(admit(a)).toBeUndefined();
    expect(admit(a)?.status).toBe(429);
    expect(admit(b)).toBeUndefined();
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    const clock = new ManualClock(0);
    const g = createSourceGuard('fast', source({ public: true, rateLimit: { count: 10, perMs: 1000 } }), { clock, trustProxies: [] });
    for (let i = 0; i < 10; i++) expect(admit(g)).toBeUndefined();
    expect(admit(g)?.headers['Retry-After']).toBe('1');
  });

  it('does not let refused addresses use up the rate', () => {
    const clock = new ManualClock(0);
    const g = createSourceGuard('s', source({ public: true, allowIps: ['203.0.113.0/24'], rateLimit: { count: 1, perMs: 60_000 } }), { clock, trustProxies: [] });
    for (let i = 0; i < 5; i++) expect(admit(g, '192.0.2.1')?.status).toBe(403);
    expect(admit(g, '203.0.113.5')).toBeUndefined();
  });
});

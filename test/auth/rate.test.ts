import { describe, it, expect } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createSourceGuard, DEFAULT_REFUSALS } from '../../src/auth/guard.js';
import { HttpError } from '../../src/http/errors.js';
import { facts, source } from './facts.js';

const TOKEN = 'the-real-sender-token-0123456789';

type Guard = ReturnType<typeof createSourceGuard>;

/** Runs both checks as the receiver does; the error, or undefined when the request is let in. */
function post(g: Guard, opts: { token?: string; remoteAddress?: string } = {}): HttpError | undefined {
  const req = facts({ remoteAddress: opts.remoteAddress ?? '127.0.0.1', query: opts.token ? { token: opts.token } : {} });
  try {
    g.admit(req);
    g.authenticate(req);
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
    expect([post(g), post(g), post(g)]).toEqual([undefined, undefined, undefined]);
    const refused = post(g);
    expect(refused?.status).toBe(429);
    expect(refused?.headers['Retry-After']).toBe('20'); // one request's worth of a 3-per-minute bucket
    expect(refused?.message).toBe("source 'bgi' allows 3 requests per 60000 ms: retry in 20 s");

    clock.advance(19_999);
    expect(post(g)?.status).toBe(429);
    clock.advance(1);
    expect(post(g)).toBeUndefined();
    expect(post(g)?.status).toBe(429);

    // After a full quiet period the burst is available again, and no more than it.
    clock.advance(10 * 60_000);
    expect([post(g), post(g), post(g)]).toEqual([undefined, undefined, undefined]);
    expect(post(g)?.status).toBe(429);
  });

  it('keeps sources apart', () => {
    const clock = new ManualClock(0);
    const a = createSourceGuard('a', source({ public: true, rateLimit: { count: 1, perMs: 1000 } }), { clock, trustProxies: [] });
    const b = createSourceGuard('b', source({ public: true, rateLimit: { count: 1, perMs: 1000 } }), { clock, trustProxies: [] });
    expect(post(a)).toBeUndefined();
    expect(post(a)?.status).toBe(429);
    expect(post(b)).toBeUndefined();
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    const clock = new ManualClock(0);
    const g = createSourceGuard('fast', source({ public: true, rateLimit: { count: 10, perMs: 1000 } }), { clock, trustProxies: [] });
    for (let i = 0; i < 10; i++) expect(post(g)).toBeUndefined();
    expect(post(g)?.headers['Retry-After']).toBe('1');
  });

  it('does not let refused addresses use up the rate', () => {
    const clock = new ManualClock(0);
    const g = createSourceGuard('s', source({ public: true, allowIps: ['203.0.113.0/24'], rateLimit: { count: 1, perMs: 60_000 } }), { clock, trustProxies: [] });
    for (let i = 0; i < 5; i++) expect(post(g, { remoteAddress: '192.0.2.1' })?.status).toBe(403);
    expect(post(g, { remoteAddress: '203.0.113.5' })).toBeUndefined();
  });
});

describe('requests that fail authentication', () => {
  it('do not use up the rate of the sender with the right token, even from the same address', () => {
    const clock = new ManualClock(0);
    const g = createSourceGuard('bgi', source({ token: TOKEN, rateLimit: { count: 20, perMs: 60_000 } }), { clock, trustProxies: [] });
    const real: (HttpError | undefined)[] = [];
    // 100 wrong tokens a second for 20 s, from two addresses, one of them the real sender's; the
    // real sender posts once a second.
    for (let s = 0; s < 20; s++) {
      for (let i = 0; i < 50; i++) {
        post(g, { token: 'a-wrong-token-0123456789', remoteAddress: '198.51.100.9' });
        post(g, { token: 'a-wrong-token-0123456789', remoteAddress: '127.0.0.1' });
      }
      real.push(post(g, { token: TOKEN }));
      clock.advance(1000);
    }
    expect(real).toEqual(Array(20).fill(undefined));
  });

  it('are counted per address: past the budget they get 429 with Retry-After, others still get 403', () => {
    const clock = new ManualClock(0);
    const g = createSourceGuard('s', source({ token: TOKEN }), { clock, trustProxies: [] });
    for (let i = 0; i < DEFAULT_REFUSALS.count; i++) expect(post(g, { token: 'wrong-token-wrong-token', remoteAddress: '192.0.2.7' })?.status).toBe(403);
    const limited = post(g, { remoteAddress: '192.0.2.7' });
    expect(limited?.status).toBe(429);
    expect(limited?.headers['Retry-After']).toBe('2');
    expect(limited?.message).toMatch(/^too many refused requests from 192\.0\.2\.7 for source 's' \(this one: a token is required: .*\): retry in 2 s$/);
    expect(post(g, { token: 'wrong-token-wrong-token', remoteAddress: '192.0.2.8' })?.status).toBe(403);
    // The right token is never refused for its address's failures.
    expect(post(g, { token: TOKEN, remoteAddress: '192.0.2.7' })).toBeUndefined();
    clock.advance(2000);
    expect(post(g, { remoteAddress: '192.0.2.7' })?.status).toBe(401);
  });
});

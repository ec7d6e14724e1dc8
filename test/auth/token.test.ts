import { describe, it, expect } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createSourceGuard, presentedToken, safeEqual } from '../../src/auth/guard.js';
import { HttpError } from '../../src/http/errors.js';
import { facts, source } from './facts.js';

const TOKEN = 'report-token-0123456789';
const guardOf = (opts: Record<string, unknown>) => createSourceGuard('report', source(opts), { clock: new ManualClock(0), trustProxies: [] });

function outcome(fn: () => void): number {
  try {
    fn();
    return 200;
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

describe('safeEqual', () => {
  it.each([
    ['same', 'same', true],
    ['same', 'Same', false],
    ['short', 'a much longer string', false],
    ['', '', true],
    ['令牌', '令牌', true],
  ])('%j vs %j → %s', (a, b, want) => {
    expect(safeEqual(a, b)).toBe(want);
  });
});

describe('the token, wherever the sender can put it', () => {
  it.each([
    ['?token=', { query: { token: TOKEN } }],
    ['?key= (OneLiveRec)', { query: { key: TOKEN } }],
    ['Authorization: Bearer', { headers: { Authorization: `Bearer ${TOKEN}` } }],
    ['Authorization: bearer (any case)', { headers: { authorization: `bearer ${TOKEN}` } }],
    ['X-Hookbot-Token', { headers: { 'X-Hookbot-Token': TOKEN } }],
    ['Authorization: Basic, as the password (Alertmanager basic_auth)', { headers: { Authorization: 'Basic ' + Buffer.from(`alertmanager:${TOKEN}`).toString('base64') } }],
    ['body field', { bodyToken: TOKEN }],
  ] as const)('is found in %s', (_where, over) => {
    const req = facts(over as any);
    expect(presentedToken(req)).toBe(TOKEN);
    expect(outcome(() => guardOf({ token: TOKEN }).authenticate(req))).toBe(200);
  });

  it.each([
    ['missing', {}, 401],
    ['wrong', { query: { token: 'report-token-WRONG-0000' } }, 403],
    ['a prefix of the right one', { query: { token: TOKEN.slice(0, -1) } }, 403],
    ['Basic with the token not encoded as user:password', { headers: { Authorization: `Basic ${TOKEN}` } }, 401],
    ['Basic with the token as the user name', { headers: { Authorization: 'Basic ' + Buffer.from(`${TOKEN}:`).toString('base64') } }, 401],
    ['Basic with a wrong password', { headers: { Authorization: 'Basic ' + Buffer.from('alertmanager:report-token-WRONG-0000').toString('base64') } }, 403],
  ] as const)('is refused when %s', (_what, over, status) => {
    expect(outcome(() => guardOf({ token: TOKEN }).authenticate(facts(over as any)))).toBe(status);
  });

  it.each([
    ['a format with a body token field', ['token'], `a token is required: send it as ?token=, Authorization: Bearer, X-Hookbot-Token or the body's "token" field`],
    ['a format without one', undefined, 'a token is required: send it as ?token=, Authorization: Bearer or X-Hookbot-Token'],
  ] as const)('says where a missing token can go, for %s', (_what, tokenFields, advice) => {
    const g = createSourceGuard('s', source({ token: TOKEN }), { clock: new ManualClock(0), trustProxies: [], tokenFields });
    expect(() => g.authenticate(facts())).toThrow(advice);
  });

  it('accepts any of several tokens (rotation), and the message never holds a token', () => {
    const g = guardOf({ tokens: ['old-token-0123456789ab', 'new-token-0123456789ab'] });
    expect(outcome(() => g.authenticate(facts({ query: { token: 'old-token-0123456789ab' } })))).toBe(200);
    expect(outcome(() => g.authenticate(facts({ query: { token: 'new-token-0123456789ab' } })))).toBe(200);
    try {
      g.authenticate(facts({ query: { token: 'new-token-0123456789aX' } }));
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('invalid token');
    }
  });

  it('refuses a source with neither token nor signature unless it is public', () => {
    expect(outcome(() => guardOf({}).authenticate(facts()))).toBe(403);
    expect(outcome(() => guardOf({ public: true }).authenticate(facts()))).toBe(200);
  });

  it('lets a format that proved the request itself through (Volcengine sign)', () => {
    expect(outcome(() => guardOf({ token: TOKEN }).authenticate(facts({ formatAuthenticated: true })))).toBe(200);
  });

  it('needs no token when a signature is configured, but checks both when both are', () => {
    const sig = { scheme: 'hmac', header: 'x-sig', secret: 'some-signing-secret' };
    // A signature alone: a wrong signature is refused, no token asked for.
    expect(outcome(() => guardOf({ signature: sig }).authenticate(facts({ headers: { 'x-sig': '00' } })))).toBe(403);
    expect(outcome(() => guardOf({ signature: sig }).authenticate(facts()))).toBe(401);
    // The format's own proof does not excuse a configured signature.
    expect(outcome(() => guardOf({ signature: sig }).authenticate(facts({ formatAuthenticated: true })))).toBe(401);
  });
});

// Dashboard sessions: signed, expiring, tied to the API token; and the CSRF rule for changes.
import { describe, expect, it } from 'vitest';
import { readCookie, Sessions } from '../../src/web/session.js';

const TOKEN = 'api-token-api-token-1234';

describe('dashboard sessions', () => {
  it('accepts the API token or the password, nothing else', () => {
    const s = new Sessions({ apiToken: TOKEN, password: 'a-long-dashboard-password', now: () => 0 });
    expect(s.accepts(TOKEN)).toBe(true);
    expect(s.accepts('a-long-dashboard-password')).toBe(true);
    expect(s.accepts(TOKEN + 'x')).toBe(false);
    expect(s.accepts('')).toBe(false);
    expect(s.accepts(undefined)).toBe(false);
    expect(s.accepts(42)).toBe(false);
  });

  it('is off without an API token, whatever the password', () => {
    const s = new Sessions({ password: 'a-long-dashboard-password', now: () => 0 });
    expect(s.enabled).toBe(false);
    expect(s.accepts('a-long-dashboard-password')).toBe(false);
    expect(s.valid('x.y.z')).toBe(false);
  });

  it('issues a cookie that is valid until it expires', () => {
    let now = 1_000;
    const s = new Sessions({ apiToken: TOKEN, now: () => now, ttlMs: 60_000 });
    const c = s.issue();
    expect(s.valid(c)).toBe(true);
    now += 59_999;
    expect(s.valid(c)).toBe(true);
    now += 2;
    expect(s.valid(c)).toBe(false);
  });

  it('refuses a forged or altered cookie, and one signed for another token', () => {
    let now = 0;
    const s = new Sessions({ apiToken: TOKEN, now: () => now });
    const c = s.issue();
    const [exp, nonce, mac] = c.split('.');
    expect(s.valid(`${Number(exp) + 1}.${nonce}.${mac}`)).toBe(false);
    expect(s.valid(`${exp}.${nonce}.${mac!.slice(0, -2)}AA`)).toBe(false);
    expect(s.valid(`${exp}.${nonce}`)).toBe(false);
    const other = new Sessions({ apiToken: 'another-token-another-token', now: () => now });
    expect(other.valid(c)).toBe(false);
  });

  it('sets a cookie scripts cannot read and other sites cannot send', () => {
    const s = new Sessions({ apiToken: TOKEN, now: () => 0, secure: true });
    const h = s.cookieHeader('v');
    expect(h).toMatch(/^hookbot_session=v; /);
    for (const part of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Secure']) expect(h).toContain(part);
    expect(s.clearHeader()).toContain('Max-Age=0');
  });

  it('reads a cookie among others', () => {
    expect(readCookie('a=1; hookbot_session=abc.def; b=2', 'hookbot_session')).toBe('abc.def');
    expect(readCookie('hookbot_sessionx=1', 'hookbot_session')).toBeUndefined();
  });
});

// Dashboard sign-in: the API token (or `server.dashboardPassword`) is exchanged once for a session
// cookie, so the token never sits in the browser's storage. The cookie is stateless (an expiry and a
// nonce, HMAC-signed with a key derived from the API token), so every instance behind one address
// accepts it, and changing the token signs everyone out. HttpOnly keeps it from scripts;
// SameSite=Strict keeps other sites from sending it; and a request that changes something must also
// carry X-Hookbot-CSRF, a header no cross-site form can add.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type Koa from 'koa';
import { safeEqual } from '../auth/guard.js';

export const SESSION_COOKIE = 'hookbot_session';
export const CSRF_HEADER = 'x-hookbot-csrf';
const DEFAULT_TTL_MS = 12 * 3600_000;

export interface SessionOptions {
  apiToken?: string;
  /** A second secret people can type, for those who keep the API token in a password manager only. */
  password?: string;
  now: () => number;
  ttlMs?: number;
  /** Set the Secure flag (hookbot behind HTTPS); plain http on a LAN is the common case. */
  secure?: boolean;
}

export type Auth = { by: 'bearer' } | { by: 'cookie' } | undefined;

export class Sessions {
  private readonly key?: Buffer;
  constructor(private readonly o: SessionOptions) {
    if (o.apiToken) this.key = createHash('sha256').update(`hookbot-dashboard-session\0${o.apiToken}`).digest();
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  /** Whether `secret` may sign in: the API token or the dashboard password, compared in constant time. */
  accepts(secret: unknown): boolean {
    if (!this.enabled || typeof secret !== 'string' || secret.length === 0) return false;
    const token = safeEqual(secret, this.o.apiToken!);
    const password = this.o.password !== undefined && safeEqual(secret, this.o.password);
    return token || password;
  }

  issue(): string {
    const exp = this.o.now() + (this.o.ttlMs ?? DEFAULT_TTL_MS);
    const payload = `${exp}.${randomBytes(12).toString('base64url')}`;
    return `${payload}.${this.mac(payload)}`;
  }

  valid(cookie: string | undefined): boolean {
    if (!this.key || !cookie) return false;
    const at = cookie.lastIndexOf('.');
    if (at < 0) return false;
    const payload = cookie.slice(0, at);
    if (!safeEqual(cookie.slice(at + 1), this.mac(payload))) return false;
    const exp = Number(payload.split('.', 1)[0]);
    return Number.isFinite(exp) && exp > this.o.now();
  }

  cookieHeader(value: string, maxAgeS = Math.round((this.o.ttlMs ?? DEFAULT_TTL_MS) / 1000)): string {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${this.o.secure ? '; Secure' : ''}`;
  }

  clearHeader(): string {
    return this.cookieHeader('', 0);
  }

  /**
   * How a request to the API is authenticated: a Bearer token (scripts), or the session cookie
   * (the dashboard; then a change needs the CSRF header). Undefined = not at all.
   */
  authenticate(ctx: Koa.Context): Auth {
    const bearer = /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1];
    if (bearer && this.o.apiToken && safeEqual(bearer, this.o.apiToken)) return { by: 'bearer' };
    if (this.valid(readCookie(ctx.get('cookie'), SESSION_COOKIE))) return { by: 'cookie' };
    return undefined;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key!).update(payload).digest('base64url');
  }
}

/** Whether a cookie-authenticated request may change something: safe methods always, others only with the CSRF header. */
export function csrfOk(ctx: Koa.Context): boolean {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return true;
  return ctx.get(CSRF_HEADER) !== '';
}

export function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

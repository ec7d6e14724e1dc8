// Per-source request checks, in the order the receiver runs them:
//   admit()        before the body is read: IP allow-list                  → 403
//   authenticate() after the body is read: HMAC signature over the raw body, then the token
//                  (query, header, body field), constant-time → 401 / 403, or 429 once the client
//                  address has been refused too often; then the source's request rate → 429.
// The source's rate counts authenticated requests only: strangers with a wrong token are counted
// per client address in their own budget, so they cannot starve the real sender.
import { timingSafeEqual, hash } from 'node:crypto';
import type { SourceConfig } from '../config.js';
import type { Clock } from '../clock.js';
import { HttpError } from '../http/errors.js';
import { TokenBucket } from './bucket.js';
import { AddressBudget } from './address-budget.js';
import { clientAddressResolver, createIpAllowList } from './ip.js';
import { createSignatureVerifier } from './signature.js';
import { resolveScheme } from './schemes.js';

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
  /** The client's address: the socket peer, or X-Forwarded-For when the peer is a trusted proxy. */
  clientAddress(req: RequestFacts): string;
  /**
   * The sender's delivery id from its signature scheme's header (`webhook-id`, `X-GitHub-Delivery`,
   * the `hmac` scheme's `idHeader`), for dedup of payloads that carry no id themselves.
   */
  deliveryId(req: RequestFacts): string | undefined;
}

export interface GuardOptions {
  clock: Clock;
  trustProxies: string[];
  /** Body fields the source's format reads a token from (NoneBot's `token`), named in the 401 advice. */
  tokenFields?: readonly string[];
}

/** Compares secrets in constant time (hashing first so lengths do not leak either). */
function sha256(s: string): Buffer {
  // One-shot hash: about half the cost of a createHash object, and it runs on every request.
  return hash('sha256', s, 'buffer');
}

export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The token a request carries: `?token=`, `?key=` (OneLiveRec), `Authorization: Bearer`, the
 * password of `Authorization: Basic` (Alertmanager's and Grafana's basic_auth; the user name is
 * not checked), `X-Hookbot-Token`, or the body.
 */
export function presentedToken(req: AuthFacts): string | undefined {
  const auth = first(req.headers['authorization']);
  const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth)?.[1] : undefined;
  return first(req.query['token']) ?? first(req.query['key']) ?? bearer ?? basicPassword(auth) ?? first(req.headers['x-hookbot-token']) ?? req.bodyToken;
}

function basicPassword(auth: string | undefined): string | undefined {
  const b64 = auth ? /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(auth)?.[1] : undefined;
  if (!b64) return undefined;
  const pair = Buffer.from(b64, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  return colon >= 0 && colon < pair.length - 1 ? pair.slice(colon + 1) : undefined;
}

/** Refused requests allowed per client address and source when the source sets no rateLimit. */
export const DEFAULT_REFUSALS = { count: 30, perMs: 60_000 };

export function createSourceGuard(name: string, source: SourceConfig, opts: GuardOptions): SourceGuard {
  const tokens = [source.token, ...(source.tokens ?? [])].filter((t): t is string => Boolean(t));
  // Hashed once here, so a request costs one hash whatever the number of tokens.
  const tokenHashes = tokens.map(sha256);
  // Only the places this sender can use: a body field exists for some formats alone.
  const fields = (opts.tokenFields ?? []).map((f) => `the body's "${f}" field`);
  const ways = ['?token=', 'Authorization: Bearer', 'X-Hookbot-Token', ...fields];
  const missingTokenAdvice = `a token is required: send it as ${ways.slice(0, -1).join(', ')} or ${ways.at(-1)}`;
  let clientAddress: (req: RequestFacts) => string;
  try {
    clientAddress = clientAddressResolver(opts.trustProxies);
  } catch (e) {
    throw new Error(`server.trustProxies: ${(e as Error).message}: write addresses or CIDR ranges, e.g. "127.0.0.1" or "10.0.0.0/8"`);
  }
  const allowed = source.allowIps ? createIpAllowList(name, source.allowIps) : undefined;
  const rate = source.rateLimit;
  const bucket = rate ? new TokenBucket(rate.count, rate.perMs, opts.clock) : undefined;
  // Refused requests per address: the source's own rate when it has one, else a default that no
  // real sender with a bad token reaches in a hurry while it still slows down guessing.
  const refusals = new AddressBudget(rate?.count ?? DEFAULT_REFUSALS.count, rate?.perMs ?? DEFAULT_REFUSALS.perMs, opts.clock);
  const refuse = (req: RequestFacts, err: HttpError): never => {
    const address = clientAddress(req);
    const waitMs = refusals.take(address);
    if (waitMs <= 0) throw err;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    throw new HttpError(429, `too many refused requests from ${address} for source '${name}' (this one: ${err.message}): retry in ${retryAfter} s`, { 'Retry-After': String(retryAfter) });
  };
  const verifySignature = source.signature ? createSignatureVerifier(source.signature) : undefined;
  const deliveryHeader = source.signature ? resolveScheme(source.signature).deliveryHeader : undefined;

  return {
    clientAddress,
    deliveryId(req) {
      const v = deliveryHeader ? first(req.headers[deliveryHeader])?.trim() : undefined;
      // Namespaced, so a header id can never collide with an id a payload carries.
      return v ? `${deliveryHeader}:${v.slice(0, 200)}` : undefined;
    },
    admit(req) {
      if (allowed) allowed(clientAddress(req));
    },
    authenticate(req) {
      try {
        check(req);
      } catch (e) {
        if (e instanceof HttpError && (e.status === 401 || e.status === 403)) refuse(req, e);
        throw e;
      }
      if (bucket && rate) {
        const waitMs = bucket.take();
        if (waitMs > 0) {
          const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
          throw new HttpError(429, `source '${name}' allows ${rate.count} requests per ${rate.perMs} ms: retry in ${retryAfter} s`, { 'Retry-After': String(retryAfter) });
        }
      }
    },
  };

  function check(req: AuthFacts): void {
    // A configured signature is always checked; a configured token as well, unless the format
    // proved the request itself (Volcengine's md5 sign).
    if (verifySignature) verifySignature(req, opts.clock.now());
    if (req.formatAuthenticated) return;
    if (tokens.length === 0) {
      if (source.public || verifySignature) return;
      throw new HttpError(403, `source '${name}' has no token configured`);
    }
    const given = presentedToken(req);
    if (given === undefined) throw new HttpError(401, missingTokenAdvice);
    // Check every configured token, so the time taken does not tell which one was close.
    const h = sha256(given);
    let ok = false;
    for (const t of tokenHashes) ok = timingSafeEqual(h, t) || ok;
    if (!ok) throw new HttpError(403, 'invalid token');
  }
}

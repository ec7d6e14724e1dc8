// Volcengine OpenAPI request signing (HMAC-SHA256, SigV4-like: the raw secret with no prefix, the
// scope ending in `request`). Written here rather than through @volcengine/openapi: that SDK has no
// Live callback methods, reads keys from the environment and ~/.volc/config on its own, and pins an
// old axios; this is the whole algorithm, tested against the documented vector.
import { createHash, createHmac } from 'node:crypto';

export interface SignInput {
  accessKeyId: string;
  secretAccessKey: string;
  /** STS credentials: sent as X-Security-Token and signed. */
  sessionToken?: string;
  region: string;
  service: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The exact bytes sent. */
  body: string;
  /** When the request is signed. */
  date: Date;
}

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const hmac = (k: string | Buffer, m: string) => createHmac('sha256', k).update(m).digest();

/** RFC 3986 percent-encoding, as the canonical query needs (encodeURIComponent leaves !'()* alone). */
export const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** `20240101T000000Z` */
export function xDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(query[k]!)}`)
    .join('&');
}

/**
 * The signature over `headers` (lower-case names → values), all of which are signed. Shared by the
 * client and by anyone verifying a request from the SignedHeaders list it names.
 */
export function signature(o: { secretAccessKey: string; region: string; service: string; method: string; path: string; query: string; headers: Record<string, string>; bodyHash: string; xDate: string }): string {
  const names = Object.keys(o.headers).sort();
  const canonical = [o.method.toUpperCase(), o.path, o.query, names.map((n) => `${n}:${o.headers[n]!.trim()}`).join('\n') + '\n', names.join(';'), o.bodyHash].join('\n');
  const day = o.xDate.slice(0, 8);
  const scope = `${day}/${o.region}/${o.service}/request`;
  const key = hmac(hmac(hmac(hmac(o.secretAccessKey, day), o.region), o.service), 'request');
  return createHmac('sha256', key).update(['HMAC-SHA256', o.xDate, scope, sha256(canonical)].join('\n')).digest('hex');
}

/** The headers that sign a request: X-Date, X-Content-Sha256, Authorization (and X-Security-Token). */
export function signRequest(i: SignInput): Record<string, string> {
  const date = xDate(i.date);
  const bodyHash = sha256(i.body);
  const signed: Record<string, string> = { 'x-content-sha256': bodyHash, 'x-date': date };
  if (i.sessionToken) signed['x-security-token'] = i.sessionToken;
  const sig = signature({ secretAccessKey: i.secretAccessKey, region: i.region, service: i.service, method: i.method, path: i.path, query: canonicalQuery(i.query), headers: signed, bodyHash, xDate: date });
  const scope = `${date.slice(0, 8)}/${i.region}/${i.service}/request`;
  return {
    'X-Date': date,
    'X-Content-Sha256': bodyHash,
    ...(i.sessionToken ? { 'X-Security-Token': i.sessionToken } : {}),
    Authorization: `HMAC-SHA256 Credential=${i.accessKeyId}/${scope}, SignedHeaders=${Object.keys(signed).sort().join(';')}, Signature=${sig}`,
  };
}

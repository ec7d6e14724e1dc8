// HMAC signature verification over the raw body bytes, for every scheme in schemes.ts.
// Missing parts → 401; a signature that does not match or a stale timestamp → 403.
// Error messages name headers and limits, never a secret or the expected signature.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from '../http/errors.js';
import type { SignatureOptions } from './options.js';
import { resolveScheme, type SchemeSpec } from './schemes.js';

export interface SignedRequest {
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

export type SignatureVerifier = (req: SignedRequest, nowMs: number) => void;

function signingKeys(spec: SchemeSpec, o: SignatureOptions): Buffer[] {
  return [...(o.secret ? [o.secret] : []), ...(o.secrets ?? [])].map((s) => keyBytes(spec, s));
}

function keyBytes(spec: SchemeSpec, secret: string): Buffer {
  return spec.key === 'whsec-base64' ? Buffer.from(secret.replace(/^whsec_/, ''), 'base64') : Buffer.from(secret, 'utf8');
}

function header(req: SignedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function display(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

export function createSignatureVerifier(o: SignatureOptions): SignatureVerifier {
  const spec = resolveScheme(o);
  const keys = signingKeys(spec, o);
  const [before, after] = spec.signed.split('{body}') as [string, string];

  return (req, nowMs) => {
    const headerName = spec.headers.find((h) => header(req, h) !== undefined);
    if (!headerName) throw new HttpError(401, `a signature is required in the ${spec.headers.map(display).join(' or ')} header`);
    const value = header(req, headerName)!;

    let candidates: string[];
    let timestamp: string | undefined;
    if (spec.stripeHeader) {
      const pairs = value.split(',').map((p) => p.trim().split('=', 2) as [string, string?]);
      timestamp = pairs.find(([k]) => k === 't')?.[1];
      candidates = pairs.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
    } else {
      const parts = spec.separator ? value.split(spec.separator) : [value];
      candidates = parts.map((p) => p.trim()).filter((p) => p.startsWith(spec.prefix)).map((p) => p.slice(spec.prefix.length));
      if (spec.timestampHeader) timestamp = header(req, spec.timestampHeader);
    }
    if (candidates.length === 0) {
      throw new HttpError(401, `the ${display(headerName)} header holds no signature of the expected form (${spec.prefix || spec.encoding}…)`);
    }

    const usesTimestamp = spec.signed.includes('{timestamp}');
    if (usesTimestamp) checkTimestamp(spec, timestamp, nowMs);
    let id = '';
    if (spec.signed.includes('{id}')) {
      const v = header(req, spec.idHeader!);
      if (!v) throw new HttpError(401, `the ${display(spec.idHeader!)} header is required with the signature`);
      id = v;
    }

    const render = (s: string) => s.replace(/\{(timestamp|id)\}/g, (_m, k: string) => (k === 'id' ? id : (timestamp ?? '')));
    const head = Buffer.from(render(before), 'utf8');
    const tail = Buffer.from(render(after), 'utf8');

    const given = candidates.map((c) => decode(spec.encoding, c)).filter((b): b is Buffer => b !== undefined);
    // Every key against every signature, without stopping early: the time taken says nothing
    // about which secret (during a rotation) or which signature came close.
    let ok = false;
    for (const key of keys) {
      const expected = createHmac(spec.algorithm, key).update(head).update(req.raw).update(tail).digest();
      for (const g of given) ok = (g.length === expected.length && timingSafeEqual(g, expected)) || ok;
    }
    if (!ok) throw new HttpError(403, `the ${display(headerName)} signature does not match: check the secret, and that nothing between the sender and hookbot changes the body`);
  };
}

function checkTimestamp(spec: SchemeSpec, ts: string | undefined, nowMs: number): void {
  const where = spec.stripeHeader ? `t= in the ${display(spec.headers[0]!)} header` : `the ${display(spec.timestampHeader!)} header`;
  if (ts === undefined || ts === '') throw new HttpError(401, `a signed timestamp is required in ${where}`);
  if (!/^\d{1,16}$/.test(ts)) throw new HttpError(401, `${where} is not a Unix time in seconds`);
  let sec = Number(ts);
  // Senders that stamp milliseconds: no time in seconds is this large before the year 5000.
  if (sec > 1e11) sec = Math.floor(sec / 1000);
  const skew = Math.floor(nowMs / 1000) - sec;
  if (Math.abs(skew) > spec.tolerance) {
    const how = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
    throw new HttpError(403, `the signed timestamp is ${how}, more than the ${spec.tolerance} s allowed: a replayed request, or the sender's clock is wrong`);
  }
}

function decode(encoding: 'hex' | 'base64', s: string): Buffer | undefined {
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(s) ? Buffer.from(s, 'hex') : undefined;
  return /^[A-Za-z0-9+/]+={0,2}$/.test(s) ? Buffer.from(s, 'base64') : undefined;
}

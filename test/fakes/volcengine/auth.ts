// The fake's check of a Volcengine OpenAPI signature, recomputed from the client's own
// SignedHeaders list (the Node SDK signs x-content-sha256;x-date, the Go SDK also host and
// content-type), with the gateway's error codes (reference/volcengine-openapi.md §1, §6).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { canonicalQuery, signature } from '../../../src/volcengine/sign.js';

export interface GatewayError {
  status: number;
  Code: string;
  CodeN: number;
  Message: string;
}

const err = (status: number, Code: string, CodeN: number, Message: string): GatewayError => ({ status, Code, CodeN, Message });

export interface AuthCheck {
  keys: Record<string, string>;
  region: string;
  nowMs: number;
  skewSeconds: number;
}

function parseXDate(v: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

export function checkSignature(method: string, rawQuery: URLSearchParams, headers: IncomingHttpHeaders, body: Buffer, a: AuthCheck): GatewayError | undefined {
  const auth = headers['authorization'];
  if (!auth) return err(401, 'MissingAuthenticationToken', 100003, 'the request is not signed');
  const m = /^HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(String(auth));
  if (!m) return err(401, 'MissingSignature', 100005, 'the Authorization header is malformed');
  const [, ak, day, region, service, signedList, sig] = m as unknown as string[];
  if (!Object.hasOwn(a.keys, ak!)) return err(401, 'InvalidAccessKey', 100009, `the access key ${ak} does not exist`);
  if (region !== a.region || service !== 'live') return err(400, 'MissingRequestInfo', 100004, `the scope must be <day>/${a.region}/live/request`);
  const xDate = String(headers['x-date'] ?? '');
  const at = parseXDate(xDate);
  if (at === undefined || xDate.slice(0, 8) !== day || Math.abs(at - a.nowMs) > a.skewSeconds * 1000) return err(400, 'InvalidTimestamp', 100006, 'X-Date is invalid or too far from the server time');
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const names = signedList!.split(';');
  if (!names.includes('x-date') || headers['x-content-sha256'] !== bodyHash) return err(401, 'SignatureDoesNotMatch', 100010, 'the body hash or signed headers do not match');
  const signed: Record<string, string> = {};
  for (const n of names) signed[n] = String(headers[n] ?? '');
  const query = canonicalQuery(Object.fromEntries(rawQuery));
  const want = signature({ secretAccessKey: a.keys[ak!]!, region: region!, service: service!, method, path: '/', query, headers: signed, bodyHash, xDate });
  if (!timingSafeEqual(Buffer.from(want), Buffer.from(sig!))) return err(401, 'SignatureDoesNotMatch', 100010, 'the request signature we calculated does not match the signature you provided');
  return undefined;
}

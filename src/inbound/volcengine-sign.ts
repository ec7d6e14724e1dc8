// Volcengine Live callback authentication (回调鉴权, reference/inbound-formats.md §1.2):
//   sign = md5_hex(key + t)
// `t` is the signature's expiry in the Volcengine docs (default now + 10 min) and the send time in
// the BytePlus docs, so the check is configurable. Only the key and `t` are signed, never the body.
// BytePlus words it as "t and key", so the reversed order is accepted too: both need the secret.
import { createHash, timingSafeEqual } from 'node:crypto';
import { PayloadError } from './format.js';

export interface VolcSignPolicy {
  keys: string[];
  /** `expiry`: t is when the signature expires (Volcengine); `sent`: t is when it was sent (BytePlus). */
  signTime: 'expiry' | 'sent';
  /** Seconds a signature is good for. */
  signWindow: number;
  /** Seconds of clock difference forgiven. */
  clockSkew: number;
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * true: signed with one of the keys and fresh. false: the request is unsigned (`sign: ""`, `t: 0`,
 * or no sign at all), so the source token must prove it. Throws PayloadError 403 otherwise.
 */
export function verifyVolcSign(sign: unknown, t: unknown, policy: VolcSignPolicy, nowMs: number): boolean {
  if (sign === undefined || sign === null || sign === '') {
    if (sign === '' && t !== undefined && t !== 0 && t !== '0' && t !== null) {
      throw new PayloadError('sign is empty but t is set: the callback is neither signed nor plainly unsigned', 'sign', 403);
    }
    return false;
  }
  if (typeof sign !== 'string') throw new PayloadError('sign must be a string', 'sign', 403);
  if (policy.keys.length === 0) return false;
  const ts = typeof t === 'number' ? t : typeof t === 'string' && /^\d{1,12}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(ts)) throw new PayloadError('t must be a Unix time in seconds', 't', 403);
  const given = sign.toLowerCase();
  let ok = false;
  // Every key and both orders are tried, so the time taken does not tell which one matched.
  for (const key of policy.keys) {
    ok = sameHex(md5(key + String(ts)), given) || ok;
    ok = sameHex(md5(String(ts) + key), given) || ok;
  }
  if (!ok) throw new PayloadError('invalid sign: it matches none of the configured keys', 'sign', 403);
  const now = Math.floor(nowMs / 1000);
  const { signWindow: win, clockSkew: skew } = policy;
  const fresh = policy.signTime === 'expiry' ? now <= ts + skew && ts - now <= win + skew : Math.abs(now - ts) <= win + skew;
  if (!fresh) throw new PayloadError(`the sign has expired (t=${ts}): the callback is too old or the clocks disagree`, 't', 403);
  return true;
}

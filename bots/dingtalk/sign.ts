// DingTalk 加签 (the Chinese-platforms reference, §2.2): sign = urlEncode(base64(HMAC-SHA256(key =
// secret, message = `${timestamp}\n${secret}`))), timestamp in milliseconds, both in the query.
// The body is not signed. URLSearchParams encodes `+` and `=`, which DingTalk requires.
import { createHmac } from 'node:crypto';

export function dingTalkSign(timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

/** The webhook URL with `timestamp` and `sign` set (replacing any already there). */
export function signedUrl(webhook: string, secret: string | undefined, now: number): string {
  if (!secret) return webhook;
  const url = new URL(webhook);
  url.searchParams.set('timestamp', String(now));
  url.searchParams.set('sign', dingTalkSign(now, secret));
  return url.toString();
}

// Feishu's signature (the Chinese-platforms reference, §3.2) is not DingTalk's: timestamp in SECONDS,
// HMAC-SHA256 keyed by `${timestamp}\n${secret}` over an EMPTY message, base64, sent in the JSON body.
import { createHmac } from 'node:crypto';

export function feishuSign(timestampSeconds: string, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** `timestamp` and `sign` to merge into the body, or nothing when the bot has no secret. */
export function signature(secret: string | undefined, nowMs: number): { timestamp?: string; sign?: string } {
  if (!secret) return {};
  const timestamp = String(Math.floor(nowMs / 1000));
  return { timestamp, sign: feishuSign(timestamp, secret) };
}

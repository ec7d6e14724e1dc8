// WeCom's answers (HTTP 200 `{errcode, errmsg}`, the Chinese-platforms reference, §4.2) → DeliveryError.
// errmsg can echo this server's IP ("from ip: …"), so it is cut before it reaches an error.
import { DeliveryError } from '../../src/bot.js';

/** WeCom counts 20 a minute per robot: after 45009 the next window opens within a minute. */
export const WINDOW_MS = 60_000;

export function weComError(errcode: number, errmsg: string): DeliveryError {
  const said = `wecom: errcode ${errcode} ${errmsg.replace(/,?\s*hint:.*$/s, '').replace(/from ip:.*$/s, '').trim()}`.trim();
  switch (errcode) {
    // 45009 is WeCom's throttle code; 130101 is DingTalk's, yet some write-ups give it for WeCom.
    case 45009:
    case 130101:
      return new DeliveryError(`${said}: over 20 messages a minute; waiting for the next minute`, { retryable: true, retryAfterMs: WINDOW_MS });
    case -1:
      return new DeliveryError(said, { retryable: true });
    case 93000:
      return new DeliveryError(`${said}: the key in the webhook URL is wrong or the robot was removed: copy the robot’s Webhook address again`, { retryable: true, unhealthy: true });
    default:
      return new DeliveryError(`${said}: WeCom refused the message`, { retryable: false });
  }
}

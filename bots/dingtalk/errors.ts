// DingTalk's answers (all HTTP 200 `{errcode, errmsg}`, the Chinese-platforms reference, §2.4) →
// DeliveryError. Each refusal names what to fix, since most are a robot set up differently from
// its config (see the "known failures become instructions" pattern).
import { DeliveryError } from '../../src/bot.js';

/** Past 20 a minute DingTalk throttles the robot for 10 minutes: wait all of it before trying again. */
export const THROTTLE_PENALTY_MS = 10 * 60_000;

export function dingTalkError(errcode: number, errmsg: string): DeliveryError {
  const said = `dingtalk: errcode ${errcode} ${errmsg}`.trim();
  const unhealthy = (fix: string) => new DeliveryError(`${said}: ${fix}`, { retryable: true, unhealthy: true });
  const dead = (fix: string) => new DeliveryError(`${said}: ${fix}`, { retryable: false });
  switch (errcode) {
    case 130101:
      return new DeliveryError(`${said}: waiting out DingTalk's 10-minute penalty`, { retryable: true, retryAfterMs: THROTTLE_PENALTY_MS });
    case -1:
      return new DeliveryError(said, { retryable: true });
    case 300005:
      return unhealthy('the access_token in the webhook URL is wrong or the robot was deleted: copy the robot’s Webhook URL again');
    case 310000:
      if (/keyword/i.test(errmsg)) return dead('the robot checks 自定义关键词: set the bot’s `keyword` option to one of them');
      if (/sign/i.test(errmsg)) return unhealthy('the robot signs with 加签: set the bot’s `secret` to the robot’s SEC… secret');
      if (/timestamp/i.test(errmsg)) return unhealthy('this machine’s clock is more than an hour off, or the robot signs with 加签 and the bot has no `secret`');
      if (/ip|whitelist/i.test(errmsg)) return unhealthy('the robot allows only listed IP addresses: add this server’s address in the robot’s security settings');
      return unhealthy('the robot’s security settings refused the message');
    case 300001:
      if (/token/i.test(errmsg)) return unhealthy('the access_token in the webhook URL is wrong: copy the robot’s Webhook URL again');
      return dead('DingTalk refused the message body');
    default:
      return dead('DingTalk refused the message');
  }
}

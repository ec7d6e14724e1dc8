// Feishu's answers (the Chinese-platforms reference, §3.5) → DeliveryError. Success is `code === 0`
// (or the legacy `StatusCode === 0`); a body with neither is a failure.
import { DeliveryError } from '../../src/bot.js';

/** After 11232 (5/s or 100/min, or Feishu's own busy half-hours) wait a little, then go on. */
export const THROTTLE_WAIT_MS = 2_000;

export function feishuOk(body: any): boolean {
  return body?.code === 0 || (body?.code === undefined && body?.StatusCode === 0);
}

export function feishuError(code: number | undefined, msg: string): DeliveryError {
  const said = `feishu: code ${code ?? '?'} ${msg}`.trim();
  const unhealthy = (fix: string) => new DeliveryError(`${said}: ${fix}`, { retryable: true, unhealthy: true });
  switch (code) {
    case 11232:
      return new DeliveryError(`${said}: over Feishu's rate; waiting`, { retryable: true, retryAfterMs: THROTTLE_WAIT_MS });
    case 19001:
      return unhealthy('the webhook URL is wrong or the bot was removed: copy the bot’s webhook address again');
    case 19021:
      return unhealthy('the bot checks 签名校验: set the bot’s `secret` to the one shown there (and check this machine’s clock)');
    case 19022:
      return unhealthy('the bot allows only listed IP addresses: add this server’s address in its security settings');
    case 19024:
      return new DeliveryError(`${said}: the bot checks 自定义关键词: set the bot’s \`keyword\` option to one of them`, { retryable: false });
    default:
      return new DeliveryError(`${said}: Feishu refused the message`, { retryable: false });
  }
}

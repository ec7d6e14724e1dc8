// A OneBot answer → sent, or a DeliveryError saying what the worker should do. Implementations
// disagree (reference: NapCat answers failures as HTTP 200 with retcode 200 over HTTP and 1200 over
// WebSocket; go-cqhttp uses 100 and 404; the spec 1404), so the decision reads status, retcode and
// the failure text together, and never takes retcode 200 for success.
import { DeliveryError } from '../../src/bot.js';

export interface ApiAnswer {
  status?: unknown;
  retcode?: unknown;
  data?: unknown;
  message?: unknown;
  wording?: unknown;
  msg?: unknown;
}

/** NapCat's send timeout: the message may well have arrived, so one slow retry, never a fast loop. */
export const UNKNOWN_OUTCOME_RETRY_MS = 60_000;

// "你已被移出该群" (result 110), "无法获取用户信息", "群不存在", go-cqhttp's "群聊不存在"/"用户不存在" …
const NO_SUCH_CHAT = /移出|result"?\s*:\s*110|无法获取用户|不存在|找不到|not (?:in|a member of) (?:the )?group|not found|no such|unknown (?:group|user)/i;
const UNKNOWN_ACTION = /不支持的\s*api|API_NOT_FOUND|unsupported action/i;
const BAD_PARAMS = /参数|param|invalid/i;

const text = (a: ApiAnswer) => String(a.wording || a.message || a.msg || '').trim().slice(0, 300);

/** The message id of a successful send, or throws the DeliveryError for a failed one. */
export function outcomeOf(a: ApiAnswer, where: string, configKey: string): string | undefined {
  const retcode = Number(a.retcode);
  if ((a.status === 'ok' && retcode === 0) || (a.status === 'async' && retcode === 1)) {
    const id = (a.data as { message_id?: unknown } | null)?.message_id;
    return id === undefined || id === null ? undefined : String(id);
  }
  const why = text(a) || `status ${String(a.status)}, retcode ${String(a.retcode)}`;
  if (/timeout/i.test(why)) {
    return fail(`QQ did not confirm the send in time (${why.split('\n')[0]}): risk control or a slow QQ; the message may have arrived, so it is tried once more after a minute`, { retryable: true, retryAfterMs: UNKNOWN_OUTCOME_RETRY_MS });
  }
  if (retcode === 1404 || retcode === 404 || UNKNOWN_ACTION.test(why)) {
    return fail(`${where} does not know this OneBot action (${why}): check that ${configKey}.url points at the OneBot HTTP server`, { retryable: false, unhealthy: true });
  }
  if (NO_SUCH_CHAT.test(why)) return fail(`QQ refused the chat: ${why} — the bot is not in that group, or there is no such user (or not a friend)`, { retryable: false });
  if (retcode === 1400 || retcode === 400 || (retcode === 100 && BAD_PARAMS.test(why))) return fail(`QQ refused the message as invalid: ${why}`, { retryable: false });
  // Any other failure: a slow retry, as for a timeout — the outcome is not known to be a refusal.
  return fail(`QQ could not send it: ${why}`, { retryable: true, retryAfterMs: UNKNOWN_OUTCOME_RETRY_MS });
}

/** An HTTP status from the OneBot HTTP server, before any JSON answer. */
export function httpFailure(status: number, configKey: string): DeliveryError {
  if (status === 401 || status === 403) {
    return new DeliveryError(`the OneBot HTTP server refused the access token (HTTP ${status}): set ${configKey}.accessToken to the token in NapCat's httpServers (Lagrange: AccessToken)`, { retryable: false, unhealthy: true });
  }
  if (status === 404) return new DeliveryError(`the OneBot HTTP server answered 404: check that ${configKey}.url points at it`, { retryable: false, unhealthy: true });
  return new DeliveryError(`the OneBot HTTP server answered HTTP ${status}`, { retryable: status >= 500 || status === 429 || status === 408 });
}

function fail(reason: string, o: { retryable: boolean; retryAfterMs?: number; unhealthy?: boolean }): never {
  throw new DeliveryError(reason, o);
}

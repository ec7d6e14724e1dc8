// One JSON POST to a robot webhook. The URL carries the robot's secret (DingTalk `access_token`,
// Feishu `/hook/<token>`, WeCom `key`), so no error built here ever contains it: messages are made
// from safe parts only (the platform's name, the HTTP status, the error's code).
import { DeliveryError } from '../../src/bot.js';

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export interface PostOptions {
  signal: AbortSignal;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** A network failure as a retryable DeliveryError naming only the platform and the error code. */
export function networkError(platform: string, e: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted) return new DeliveryError(`${platform}: the request timed out`, { retryable: true });
  const err = e as { cause?: { code?: string }; code?: string; name?: string };
  const code = err?.cause?.code ?? err?.code ?? err?.name ?? 'network error';
  return new DeliveryError(`${platform}: could not reach the webhook (${code})`, { retryable: true });
}

export async function postJson(platform: string, url: string, body: unknown, opts: PostOptions): Promise<JsonAnswer> {
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...opts.headers },
      body: JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    throw networkError(platform, e, opts.signal);
  }
  const text = await res.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** An HTTP status other than 200 from a robot webhook (they answer business errors with 200). */
export function httpStatusError(platform: string, status: number): DeliveryError {
  const reason = `${platform}: HTTP ${status}`;
  // A wrong or deleted hook URL: the bot is broken, not this message.
  if (status === 401 || status === 403 || status === 404) return new DeliveryError(`${reason}: check the webhook URL`, { retryable: true, unhealthy: true });
  return new DeliveryError(reason, { retryable: status >= 500 || status === 408 || status === 429 });
}

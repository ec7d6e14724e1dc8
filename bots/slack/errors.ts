// @slack/web-api errors → DeliveryError. Slack answers errors as HTTP 200 `{ok:false, error}`
// (docs.slack.dev/apis/web-api/#responses) and rate limits as HTTP 429 with Retry-After
// (docs.slack.dev/apis/web-api/rate-limits). Retrying is the worker's job, so the client is built with
// `retries: 0` and `rejectRateLimitedCalls: true`, and every failure arrives here at once.
import { ErrorCode } from '@slack/web-api';
import { DeliveryError } from '../../src/bot.js';
import { masker } from '../../src/kit/secrets.js';

/** The bot itself is broken: deliveries are held until the token or the app is fixed. */
const UNHEALTHY = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'not_allowed_token_type',
  'team_access_not_granted',
  'ekm_access_denied',
]);

/** Slack's own trouble: worth another try. */
const TRANSIENT = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

// Everything else (channel_not_found, not_in_channel, is_archived, user_not_found, invalid_blocks,
// msg_too_long, cannot_dm_bot, …) is about this message or this chat and will not get better: dead.

/** Hides Slack tokens (xoxb-, xoxp-, xapp-, …) and the given secrets in text meant for logs and errors. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  return masker(secrets)(text.replace(/\bx(?:ox[abpeosr]|app)-[A-Za-z0-9-]+/g, (t) => t.slice(0, 5) + '***'));
}

/** Slack could not fetch (or would not take) an image block's URL, and refused the whole message for it. */
export function imageRefused(e: unknown): boolean {
  const err = e as { code?: string; data?: { error?: string; errors?: unknown[] } };
  return err?.code === ErrorCode.PlatformError && err.data?.error === 'invalid_blocks' && !!err.data.errors?.some((x) => /\/image_url\]/.test(String(x)));
}

export function toDeliveryError(e: unknown, secrets: readonly string[]): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const err = e as { code?: string; message?: string; data?: { error?: string; needed?: string; errors?: unknown[] }; retryAfter?: number; statusCode?: number; original?: Error };
  const mask = (s: string) => maskSecrets(s, secrets);
  switch (err.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError('slack: ratelimited', { retryable: true, retryAfterMs: Math.max(0, (err.retryAfter ?? 1) * 1000) });
    case ErrorCode.PlatformError: {
      const code = err.data?.error ?? 'unknown_error';
      // invalid_blocks and friends say which block was wrong: keep the first, it is what a person needs.
      const detail = err.data?.errors?.find((x) => typeof x === 'string');
      const reason = `slack: ${code}${err.data?.needed ? ` (needs scope ${err.data.needed})` : ''}${detail ? ` (${mask(detail).slice(0, 300)})` : ''}`;
      if (UNHEALTHY.has(code)) return new DeliveryError(reason, { retryable: true, unhealthy: true });
      return new DeliveryError(reason, { retryable: TRANSIENT.has(code) });
    }
    case ErrorCode.HTTPError: {
      const status = err.statusCode ?? 0;
      const reason = `slack: HTTP ${status}`;
      if (status === 401 || status === 403) return new DeliveryError(reason, { retryable: true, unhealthy: true });
      return new DeliveryError(reason, { retryable: status >= 500 || status === 408 || status === 429 });
    }
    case ErrorCode.RequestError:
      return new DeliveryError(`slack: request failed: ${mask(err.original?.message ?? err.message ?? 'network error')}`, { retryable: true });
    case ErrorCode.FileUploadInvalidArgumentsError:
    case ErrorCode.FileUploadReadFileDataError:
      return new DeliveryError(`slack: ${mask(err.message ?? 'bad file')}`, { retryable: false });
    default:
      // filesUploadV2 rejects a failed step-2 POST with a bare Error; network errors have no Slack code.
      return new DeliveryError(`slack: ${mask(err.message ?? String(e))}`, { retryable: true });
  }
}

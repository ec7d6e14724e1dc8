// Bot API failures → DeliveryError. The token is part of every Bot API URL, and network errors
// may quote the URL, so every text that leaves this module is masked first, with the kit's
// masking (the bot's declared secrets, and token shapes anywhere: src/log.ts).
import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../src/bot.js';
import { masker } from '../../src/kit/secrets.js';

/** Masks text meant for logs and errors. */
export type Mask = (text: string) => string;
/** Token shapes only, for a text from a bot whose secrets are not at hand. */
const shapesOnly: Mask = masker([]);

/** A GrammyError's fields, safe to keep: no payload, no URL. */
export interface ApiFailure {
  code: number;
  description: string;
  retryAfter?: number;
  migrateTo?: number;
}

export function apiFailure(e: unknown): ApiFailure | undefined {
  if (!(e instanceof GrammyError)) return undefined;
  return {
    code: e.error_code,
    description: e.description,
    retryAfter: e.parameters.retry_after,
    migrateTo: e.parameters.migrate_to_chat_id,
  };
}

/** The error in words, masked; never the request payload. */
export function describe(e: unknown, mask: Mask = shapesOnly): string {
  const f = apiFailure(e);
  if (f) return `${f.code}: ${f.description}`;
  if (e instanceof HttpError) {
    const cause = e.error instanceof Error ? `: ${e.error.message}` : '';
    return mask(e.message + cause);
  }
  return mask(e instanceof Error ? e.message : String(e));
}

/**
 * What the worker should do with a failure:
 * 429 → retry after `retry_after`; 401 (bad token) and 404 (wrong apiRoot) → the bot is broken, hold;
 * 400 (chat not found, bad request) and 403 (blocked, kicked) → dead, with Telegram's reason;
 * 5xx, network errors and timeouts → retry.
 */
export function toDeliveryError(e: unknown, mask: Mask = shapesOnly): DeliveryError {
  const reason = describe(e, mask);
  const f = apiFailure(e);
  if (!f) return new DeliveryError(reason, { retryable: true });
  if (f.code === 429) {
    return new DeliveryError(reason, { retryable: true, retryAfterMs: Math.max(1, f.retryAfter ?? 1) * 1000 });
  }
  if (f.code === 401 || f.code === 404) return new DeliveryError(reason, { retryable: true, unhealthy: true });
  if (f.code >= 500) return new DeliveryError(reason, { retryable: true });
  return new DeliveryError(f.description, { retryable: false });
}

/**
 * A 400 about the picture itself (bad URL, unreadable image, too big): the text can still go.
 * Anything about the chat, the topic or the bot fails the text too.
 */
export function isImageProblem(e: unknown): boolean {
  const f = apiFailure(e);
  if (!f || f.code !== 400 || f.migrateTo !== undefined) return false;
  return !/chat not found|chat_id|thread not found|upgraded|rights|not enough|CHAT_|PEER_ID|TOPIC/i.test(f.description);
}

/** sendPhoto refused the picture for its dimensions: the same bytes go as a document. */
export function isPhotoShapeProblem(e: unknown): boolean {
  const f = apiFailure(e);
  return f?.code === 400 && /PHOTO_INVALID_DIMENSIONS/i.test(f.description);
}

// Bot API failures → DeliveryError. The token is part of every Bot API URL, and network errors
// (node-fetch) quote the URL, so every text that leaves this module is masked first.
import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../src/bot.js';

// Bot tokens look like `123456789:AAE…` (digits, a colon, 30+ URL-safe characters).
const TOKEN_LIKE = /\d{5,}:[A-Za-z0-9_-]{20,}/g;

/** Replaces the token (and anything shaped like a bot token) with `<id>:***`. */
export function maskToken(text: string, token?: string): string {
  let out = token ? text.split(token).join(token.split(':')[0] + ':***') : text;
  out = out.replace(TOKEN_LIKE, (t) => t.split(':')[0] + ':***');
  return out;
}

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
export function describe(e: unknown, token?: string): string {
  const f = apiFailure(e);
  if (f) return `${f.code}: ${f.description}`;
  if (e instanceof HttpError) {
    const cause = e.error instanceof Error ? `: ${e.error.message}` : '';
    return maskToken(e.message + cause, token);
  }
  return maskToken(e instanceof Error ? e.message : String(e), token);
}

/**
 * What the worker should do with a failure:
 * 429 → retry after `retry_after`; 401 (bad token) and 404 (wrong apiRoot) → the bot is broken, hold;
 * 400 (chat not found, bad request) and 403 (blocked, kicked) → dead, with Telegram's reason;
 * 5xx, network errors and timeouts → retry.
 */
export function toDeliveryError(e: unknown, token?: string): DeliveryError {
  const reason = describe(e, token);
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

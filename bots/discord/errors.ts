// Errors from @discordjs/rest → DeliveryError: what the worker should do, and why, without secrets.
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { DeliveryError } from '../../src/bot.js';
import { masker as kitMasker } from '../../src/kit/secrets.js';

/** Removes the bot's secrets and interaction tokens (in webhook and callback URLs) from any text. */
export function masker(secrets: readonly string[]): (text: string) => string {
  const base = kitMasker(secrets);
  return (text) => base(text).replace(/(\/(?:interactions\/\d+|webhooks\/\d+)\/)[^/?\s]+/g, '$1***');
}

// Discord JSON error codes (developers/topics/opcodes-and-status-codes.mdx) that tell people what to fix.
const HINTS: Record<number, string> = {
  10003: 'check the channel id in the target, and that the bot is in that server',
  10013: 'no such user: check the user id',
  50001: 'the bot cannot see this channel: give it the View Channel permission there',
  50007: 'the user does not accept direct messages from this bot (or shares no server with it)',
  50013: 'the bot lacks a permission here: Send Messages, Embed Links and Attach Files are needed',
  50035: 'the message was refused as invalid',
};

/** What the worker does with a failed send. */
export function toDeliveryError(e: unknown, mask: (t: string) => string): DeliveryError {
  if (e instanceof DeliveryError) return e;
  if (e instanceof RateLimitError) {
    // rejectOnRateLimit: the REST client hands us the wait instead of sleeping, so the worker can
    // reschedule this delivery and keep sending to other channels meanwhile.
    const wait = Math.max(e.retryAfter, e.global ? e.timeToReset : 0, 0);
    return new DeliveryError(`rate limited by Discord (${e.global ? 'global' : e.scope} limit on ${e.route}): retry in ${Math.ceil(wait)} ms`, {
      retryable: true,
      retryAfterMs: Math.ceil(wait),
    });
  }
  if (e instanceof DiscordAPIError) {
    const code = typeof e.code === 'number' ? e.code : 0;
    const what = `Discord ${e.status}${code ? ' ' + code : ''}: ${mask(e.message)}`;
    if (e.status === 401) return new DeliveryError(`${what}: the bot token is wrong or was reset; put the current one in the config`, { retryable: true, unhealthy: true });
    if (e.status === 429) return new DeliveryError(what, { retryable: true });
    if (e.status === 408) return new DeliveryError(what, { retryable: true });
    return new DeliveryError(HINTS[code] ? `${what} (${HINTS[code]})` : what, { retryable: false });
  }
  if (e instanceof HTTPError) return new DeliveryError(`Discord ${e.status} ${mask(e.message)}: will retry`, { retryable: true });
  const err = e as Error;
  // After a 401 the REST client drops its token and every later call fails before the network.
  if (/Expected token to be set/.test(err?.message ?? '')) {
    return new DeliveryError('the bot token was refused by Discord (401): put the current one in the config', { retryable: true, unhealthy: true });
  }
  const msg = mask(err?.message ?? String(e));
  return new DeliveryError(`cannot reach Discord: ${err?.name === 'AbortError' ? 'timed out or aborted' : msg}`, { retryable: true, cause: undefined });
}

// Options of a `platform: telegram` bot, validated at the edge (zod). Error texts say how to fix it.
import * as z from 'zod';
import { secret } from '../../src/config.js';
import { proxyOption } from '../../src/kit/proxy.js';

export const telegramOptions = z.strictObject({
  /** From @BotFather: `123456789:AA…`. */
  token: secret('bot token').regex(/^\d+:[A-Za-z0-9_-]+$/, {
    error: 'is not a Telegram bot token: it looks like 123456789:AAE… (ask @BotFather for it)',
  }),
  /** A self-hosted Bot API server or a reverse proxy in front of api.telegram.org. */
  apiRoot: z
    .string()
    .url({ error: 'must be a URL, e.g. https://api.telegram.org' })
    .refine((u) => /^https?:\/\//i.test(u), { error: 'must be an http:// or https:// URL' })
    // grammY throws on a trailing '/'; say the same thing here, at config time.
    .refine((u) => !u.endsWith('/'), { error: (iss) => `Remove the trailing '/' from the 'apiRoot' option (use '${String(iss.input).replace(/\/+$/, '')}' instead of '${String(iss.input)}')` })
    .default('https://api.telegram.org'),
  /** http://, https://, socks5:// or socks5h:// (DNS through the proxy). */
  proxy: proxyOption.optional(),
  /** Receive commands by webhook on hookbot's own server instead of long polling. */
  webhook: z
    .strictObject({
      /** The public URL Telegram calls; its path is served by hookbot. */
      url: z.string().url({ error: 'must be the public https:// URL Telegram will call, e.g. https://hooks.example.com/telegram/webhook' }),
      /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token: 1-256 of A-Z a-z 0-9 _ -. */
      secret: secret('webhook secret').regex(/^[A-Za-z0-9_-]{1,256}$/, { error: 'may only contain A-Z, a-z, 0-9, _ and - (at most 256)' }),
    })
    .optional(),
  /** Show link previews under messages. Off by default: notices are not about the links in them. */
  linkPreviews: z.boolean().default(false),
});

export type TelegramOptions = z.output<typeof telegramOptions>;

/**
 * The chat part of a target: a numeric chat id (`123456789` a user, `-1001234567890` a supergroup),
 * or `@channelname`; then optionally `/<topic id>` for a forum topic.
 */
export function parseTelegramChat(raw: string): { chat: string; thread?: string } {
  const m = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})(?:\/(\d{1,12}))?$/.exec(raw.trim());
  if (!m) {
    throw new Error(
      `'${raw}' is not a Telegram chat: use a numeric chat id (123456789, -1001234567890) or @channelname, ` +
        `optionally followed by /<topic id>, e.g. -1001234567890/42 (send /whoami in the chat to get its id)`,
    );
  }
  return { chat: m[1]!, thread: m[2] };
}

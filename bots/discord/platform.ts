// What a Discord bot is and can do, without loading its SDK: the registry reads this at start-up.
import type { PlatformDeclaration } from '../../src/bot.js';
import { discordOptions, type DiscordOptions } from './options.js';

export const discordPlatform: PlatformDeclaration<DiscordOptions> = {
  platform: 'discord',
  options: discordOptions,
  // Discord tells its limits in X-RateLimit-* headers; the REST client follows them and a 429 comes
  // back to the worker as retryAfterMs. Channels allow about 5 messages per 5 s, so pace a little;
  // the bot as a whole makes at most 50 requests per second (the global limit).
  limits: { group: { count: 5, perMs: 5000 }, user: { count: 5, perMs: 5000 }, bot: { count: 50, perMs: 1000 } },
  capabilities: {
    chats: 'many',
    dms: true,
    threads: true,
    markup: 'markdown',
    // Message content; a notice goes as embeds (description 4096, 6000 in all), split past them.
    text: { max: 2000, unit: 'chars' },
    images: 'upload',
    commands: true,
    secrets: ['token'],
  },
  parseChat: parseDiscordChat,
};

const SNOWFLAKE = /^\d{17,20}$/;

export function parseDiscordChat(raw: string): { chat: string; thread?: string } {
  const [chat, thread, extra] = raw.split('/');
  if (!chat || !SNOWFLAKE.test(chat) || (thread !== undefined && !SNOWFLAKE.test(thread)) || extra !== undefined) {
    throw new Error(`'${raw}' is not a Discord chat: use a channel or user id (17-20 digits), or <channel>/<thread> — /whoami shows them`);
  }
  return thread ? { chat, thread } : { chat };
}

// What a Telegram bot is and can do, without loading grammY: the registry reads this at start-up.
import type { PlatformDeclaration } from '../../src/bot.js';
import { parseTelegramChat, telegramOptions, type TelegramOptions } from './options.js';

export const telegramPlatform: PlatformDeclaration<TelegramOptions> = {
  platform: 'telegram',
  options: telegramOptions,
  // Bot FAQ: about 1 message/s in one chat — groups included —, 20/min in a group, 30/s in total.
  // grammY's throttler spaces group messages 1 s apart the same way (minTime 1000, reservoir 20/min).
  limits: {
    user: { count: 1, perMs: 1000 },
    group: { count: 20, perMs: 60_000, minGapMs: 1000 },
    bot: { count: 30, perMs: 1000 },
  },
  capabilities: {
    chats: 'many',
    dms: true,
    threads: true,
    markup: 'html',
    // Bot API sendMessage / sendPhoto, in characters after entity parsing.
    text: { max: 4096, unit: 'chars' },
    caption: 1024,
    images: 'upload',
    commands: true,
    secrets: ['token', 'webhook.secret'],
  },
  parseChat: parseTelegramChat,
};

// QQ through OneBot v11: what it is and can do, without loading the adapter.
import type { PlatformDeclaration } from '../../src/bot.js';
import { onebotOptions, parseQQChat, type OnebotOptions } from './options.js';

export const onebotPlatform: PlatformDeclaration<OnebotOptions> = {
  platform: 'onebot',
  options: onebotOptions,
  // QQ publishes no limits, and accounts that send fast are restricted (risk control, 风控):
  // about one message a second per chat, 20 a minute per group, and the account as a whole paced
  // (go-cqhttp's own rate-limit middleware defaults to one call a second): one send a second per account.
  limits: {
    user: { count: 1, perMs: 1000 },
    group: { count: 20, perMs: 60_000, minGapMs: 1000 },
    bot: { count: 1, perMs: 1000 },
  },
  capabilities: {
    chats: 'many',
    dms: true,
    threads: false,
    markup: 'plain',
    // No documented limit; text is split well below anything reported to trip risk control.
    text: { max: 1500, unit: 'chars' },
    images: 'upload',
    commands: true,
    secrets: ['accessToken'],
  },
  parseChat: parseQQChat,
};

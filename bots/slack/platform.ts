// What a Slack bot is and can do, without loading the Slack clients.
import type { PlatformDeclaration } from '../../src/bot.js';
import { slackOptions, type SlackOptions } from './options.js';

export const slackPlatform: PlatformDeclaration<SlackOptions> = {
  platform: 'slack',
  options: slackOptions,
  // Slack's limits on chat.postMessage are about 1 message per second per channel (the "special" tier,
  // docs.slack.dev/apis/web-api/rate-limits); the worker waits before sending instead of meeting 429s.
  limits: { user: { count: 1, perMs: 1000 }, group: { count: 1, perMs: 1000 } },
  capabilities: {
    chats: 'many',
    dms: true,
    threads: true,
    markup: 'mrkdwn',
    // A Block Kit section's text; a notice is several sections, and several messages past 12,000.
    text: { max: 3000, unit: 'chars' },
    images: 'upload',
    commands: true,
    secrets: ['token', 'appToken', 'signingSecret'],
  },  parseChat: parseSlackChat,
};

export function parseSlackChat(raw: string): { chat: string; thread?: string } {
  const m = /^([CGDUW][A-Z0-9]{2,})(?:\/(\d{6,}\.\d{1,6}))?$/.exec(raw);
  if (!m) {
    throw new Error(
      `'${raw}' is not a Slack chat: use a channel id (C0123ABCD, G…, D…) or a user id (U0123ABCD, W…), ` +
        `optionally with '/<thread_ts>' such as C0123ABCD/1700000000.000100; '/hookbot whoami' shows the ids`,
    );
  }
  return { chat: m[1]!, thread: m[2] };
}

// The three big platforms a self-hoster configures (Telegram, Discord, Slack), each against its
// protocol-faithful fake from test/fakes, so the start-up and memory figures include their SDKs,
// their connections (long polling, the Discord gateway, Slack's Socket Mode) and their clients.
import { FakeDiscord } from '../test/fakes/discord/fake-discord.js';
import { FakeSlack } from '../test/fakes/slack/fake-slack.js';
import { FakeTelegram } from '../test/fakes/telegram/fake-telegram.js';

const TELEGRAM_TOKEN = '123456789:AAHbenchTelegramTokenForTheFakeApi01';

export interface Platforms {
  /** The `bots:` entries of a config, indented for the key. */
  bots: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startPlatforms(): Promise<Platforms> {
  const telegram = new FakeTelegram({ tokens: [TELEGRAM_TOKEN], limits: false });
  const discord = new FakeDiscord();
  const slack = new FakeSlack();
  await Promise.all([telegram.start(), discord.start(), slack.start()]);
  return {
    bots: [
      `  telegram: { platform: telegram, token: "\${TELEGRAM_BOT_TOKEN}", apiRoot: "${telegram.url}", admins: ["1001"] }`,
      `  discord: { platform: discord, token: "\${DISCORD_BOT_TOKEN}", applicationId: "${discord.applicationId}", apiRoot: "${discord.apiRoot}", admins: ["300000000000000001"] }`,
      `  slack: { platform: slack, token: "\${SLACK_BOT_TOKEN}", appToken: "\${SLACK_APP_TOKEN}", apiRoot: "${slack.apiUrl}", admins: [U0ADMIN] }`,
    ].join('\n'),
    env: { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, DISCORD_BOT_TOKEN: discord.token, SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken },
    stop: async () => {
      await Promise.all([telegram.stop(), discord.stop(), slack.stop()]);
    },
  };
}

// The registry of chat platforms: platform name → module. Adding a platform is one folder and one line.
import type { BotModule } from '../src/bot.js';
import { consoleBot } from './console/console.js';
import { telegramBot } from './telegram/telegram.js';
import { slackBot } from './slack/slack.js';
import { discordBot } from './discord/discord.js';

export const botModules: Record<string, BotModule> = {
  console: consoleBot,
  telegram: telegramBot,
  slack: slackBot,
  discord: discordBot,
};

// The registry of chat platforms: platform name → module. Adding a platform is one folder and one line.
import type { BotModule } from '../src/bot.js';
import { consoleBot } from './console/console.js';
import { telegramBot } from './telegram/telegram.js';
import { slackBot } from './slack/slack.js';
import { discordBot } from './discord/discord.js';
import { dingtalkBot } from './dingtalk/dingtalk.js';
import { feishuBot } from './feishu/feishu.js';
import { wecomBot } from './wecom/wecom.js';
import { webhookBot } from './webhook/webhook.js';

export const botModules: Record<string, BotModule> = {
  console: consoleBot,
  telegram: telegramBot,
  slack: slackBot,
  discord: discordBot,
  dingtalk: dingtalkBot,
  feishu: feishuBot,
  wecom: wecomBot,
  webhook: webhookBot,
};

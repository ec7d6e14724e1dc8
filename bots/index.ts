// The registry of chat platforms: platform name → its declaration (options, limits, capabilities),
// and the module that implements it, imported only when a configured bot uses the platform — so a
// config with one platform loads one SDK. Adding a platform is one folder and one line here.
import type { BotModule, PlatformDeclaration, RegisteredPlatform } from '../src/bot.js';
import { consolePlatform } from './console/platform.js';
import { telegramPlatform } from './telegram/platform.js';
import { slackPlatform } from './slack/platform.js';
import { discordPlatform } from './discord/platform.js';

function lazy<O>(declaration: PlatformDeclaration<O>, load: () => Promise<BotModule<O>>): RegisteredPlatform<O> {
  let loaded: Promise<BotModule<O>> | undefined;
  return { ...declaration, load: () => (loaded ??= load()) };
}

export const botModules: Record<string, RegisteredPlatform> = {
  console: lazy(consolePlatform, async () => (await import('./console/console.js')).consoleBot),
  telegram: lazy(telegramPlatform, async () => (await import('./telegram/telegram.js')).telegramBot),
  slack: lazy(slackPlatform, async () => (await import('./slack/slack.js')).slackBot),
  discord: lazy(discordPlatform, async () => (await import('./discord/discord.js')).discordBot),
};

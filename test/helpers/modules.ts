// Every registered platform's module, loaded: for tests that create adapters by platform name.
import type { BotModule } from '../../src/bot.js';
import { botModules } from '../../bots/index.js';

export const loadedModules: Record<string, BotModule> = Object.fromEntries(await Promise.all(Object.entries(botModules).map(async ([name, p]) => [name, await p.load()] as const)));

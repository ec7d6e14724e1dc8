// Loading and checking a config, and nothing more: `hookbot check`, `send` and the management
// commands start here without importing the server, the store or the worker (see cli.ts).
import type { Logger } from 'pino';
import { botModules } from '../bots/index.js';
import type { BotAdapter } from './bot.js';
import type { Clock } from './clock.js';
import { ConfigError, loadConfig, type SourceConfig } from './config.js';
import { systemTimeZone } from './i18n/time.js';
import { configAdvice } from './config-advice.js';
import { formats } from './inbound/index.js';
import { registerConfigSecrets } from './kit/secrets.js';
import { Renderer } from './render/render.js';
import { Router } from './router.js';
import { commandRegistry } from './commands/plane.js';

/** How often an instance looks for configuration changed through another instance's API. */
export const CONFIG_POLL_MS = 1000;

export interface PrepareOptions {
  /**
   * `false`: check only. A platform that declares how its chat ids read is not loaded (nor its SDK);
   * the bots in the answer can then only parse targets.
   */
  adapters?: boolean;
}

/** Loads and checks a config: the file, then everything that needs the bots (targets, templates). */
export async function prepare(configFile: string, env: Record<string, string | undefined>, clock: Clock, logger: Logger, opts: PrepareOptions = {}) {
  const config = loadConfig(configFile, { env, bots: botModules, formats });
  // With no platform configured, hookbot still runs: the console bot prints what it would send.
  if (Object.keys(config.bots).length === 0) (config.bots as Record<string, unknown>)['console'] = { platform: 'console', admins: [], aliases: [], stdin: false };
  registerConfigSecrets(config, botModules);
  const bots = new Map<string, BotAdapter>();
  for (const [id, b] of Object.entries(config.bots)) {
    const platform = botModules[(b as { platform: string }).platform]!;
    const parseChat = platform.parseChat;
    if (opts.adapters === false && parseChat) {
      bots.set(id, { id, platform: platform.platform, parseChat } as BotAdapter);
      continue;
    }
    // Only now is a platform's code (and its SDK) imported: the one of a configured bot.
    const mod = await platform.load();
    bots.set(id, mod.create(id, b, { logger: logger.child({ bot: id }), clock }));
  }
  const router = new Router(config, bots, (id) => botModules[(config.bots[id] as { platform: string } | undefined)?.platform ?? '']?.capabilities);
  const renderer = new Renderer(config.templates, formats, config.locale, (source) => (config.sources[source] as SourceConfig | undefined)?.timezone ?? config.timezone ?? systemTimeZone());
  const problems = [...router.checkConfig(), ...renderer.check()];
  try {
    commandRegistry(config);
  } catch (e) {
    problems.push(...(e instanceof ConfigError ? e.problems : [(e as Error).message]));
  }
  if (problems.length) throw new ConfigError(problems, configFile);
  return { config, bots, router, renderer, advice: configAdvice(config, botModules) };
}

// Advice on a config that is valid but probably not what its author meant: said by `hookbot check`
// and logged at start, never an error (each of these can be on purpose).
import type { PlatformDeclaration } from './bot.js';
import type { Config, SourceConfig } from './config.js';
import { glob } from './router.js';

export function configAdvice(config: Config, platforms: Record<string, PlatformDeclaration>): string[] {
  const advice: string[] = [];
  if (config.superusers.length === 0) {
    for (const [name, s] of Object.entries(config.sources) as [string, SourceConfig][]) {
      const ownTargets = (s.to?.length ?? 0) + (s.to_group?.length ?? 0) > 0;
      // A route may match it when it names no source or a glob that takes this name.
      const routed = config.routes.some((r) => !r.match.source || glob(r.match.source)(name));
      if (!ownTargets && !routed)
        advice.push(
          `sources.${name}: a payload that names no target will be refused (400 "no targets"): give the source to / to_group, add a route for it, or set superusers`,
        );
    }
  }
  const bots = Object.entries(config.bots) as [string, { platform: string; admins: string[] }][];
  for (const [id, b] of bots) for (const a of platforms[b.platform]?.advice?.(b) ?? []) advice.push(`bots.${id}: ${a}`);
  // Admins matter only where chat users can send commands at all (not robot webhooks, not the console).
  const withCommands = bots.filter(([, b]) => platforms[b.platform]?.capabilities.commands);
  if (withCommands.length > 0 && withCommands.every(([, b]) => b.admins.length === 0))
    advice.push(
      `bots: no bot has admins, so mute, retry and the other admin commands are refused to everyone: ask a bot /whoami and put your id in bots.<id>.admins`,
    );
  return advice;
}

// Who may run what. Deny by default: a bot with no `admins` has no admins.
import type { Config } from '../config.js';
import type { Access } from './command.js';

export interface Principal {
  isAdmin: boolean;
  /** Passes the bot's `users` allow-list (or there is none). */
  isUser: boolean;
}

/** The bot's admin user ids, as strings (empty = nobody). */
export function adminsOf(config: Pick<Config, 'bots'>, bot: string): string[] {
  const b = config.bots[bot] as { admins?: string[] } | undefined;
  return [...(b?.admins ?? [])];
}

export function principalOf(config: Config, bot: string, userId: string): Principal {
  const b = config.bots[bot] as { admins?: string[]; users?: string[] } | undefined;
  const admins = adminsOf(config, bot);
  // Ids are compared as strings: YAML may have given them as numbers, config.ts turns them into strings.
  const isAdmin = admins.includes(userId);
  const isUser = isAdmin || b?.users === undefined || b.users.includes(userId);
  return { isAdmin, isUser };
}

export function mayRun(access: Access, p: Principal): boolean {
  if (access === 'public') return true;
  if (access === 'admin') return p.isAdmin;
  return p.isUser;
}

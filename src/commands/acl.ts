// Who may run what. Deny by default: a bot with no `admins` has no admins, and the commands that
// read hookbot's state (status, recent, failed, mutes: chat ids, payloads, every source's last
// event) are for admins unless the bot's `users` opens them.
import type { Config } from '../config.js';
import type { Access } from './command.js';

/** In `users`, stands for everyone who can talk to the bot. */
export const EVERYONE = '*';

export interface Principal {
  isAdmin: boolean;
  /** An admin, or named in the bot's `users` (or `users` has `*`). */
  isUser: boolean;
}

/** The bot's admin user ids, as strings (empty = nobody). */
export function adminsOf(config: Pick<Config, 'bots'>, bot: string): string[] {
  const b = config.bots[bot] as { admins?: string[] } | undefined;
  return [...(b?.admins ?? [])];
}

/** The ids in the bot's `users` (empty when it has none: only admins then read state). */
export function usersOf(config: Pick<Config, 'bots'>, bot: string): string[] {
  const b = config.bots[bot] as { users?: string[] } | undefined;
  return [...(b?.users ?? [])];
}

export function principalOf(config: Pick<Config, 'bots'>, bot: string, userId: string): Principal {
  // Ids are compared as strings: YAML may have given them as numbers, config.ts turns them into strings.
  const isAdmin = adminsOf(config, bot).includes(userId);
  const users = usersOf(config, bot);
  const isUser = isAdmin || users.includes(EVERYONE) || users.includes(userId);
  return { isAdmin, isUser };
}

export function mayRun(access: Access, p: Principal): boolean {
  if (access === 'public') return true;
  if (access === 'admin') return p.isAdmin;
  return p.isUser;
}

/**
 * Whether a command of this access is offered at all on a bot (its menu), and whether only the
 * admins may run it there: a `user` command on a bot with no `users` is an admin command in effect.
 */
export function offered(access: Access, config: Pick<Config, 'bots'>, bot: string): { offered: boolean; adminOnly: boolean } {
  if (access === 'public') return { offered: true, adminOnly: false };
  const hasAdmins = adminsOf(config, bot).length > 0;
  if (access === 'admin') return { offered: hasAdmins, adminOnly: true };
  const open = usersOf(config, bot).length > 0;
  return { offered: open || hasAdmins, adminOnly: !open };
}

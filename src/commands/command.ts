// What a command is, and what it is given when it runs. Handlers return a Reply (data); the
// plane does the ACL, the audit log and turns errors into polite replies.
import type { ChatCommand, CommandInfo, Reply } from '../bot.js';
import type { CommandDeps } from './plane.js';
import type { Locale } from '../i18n/locale.js';
import type { Translate } from '../i18n/translate.js';

/**
 * Who may run a command:
 * - `public`: everyone (help, whoami: how people find their ids);
 * - `user`: admins, and the ids in the bot's `users` (`*` = everyone); without `users`, admins only,
 *   since these commands show chat ids, payloads and every source's events;
 * - `admin`: only the bot's `admins` (none configured = nobody).
 */
export type Access = 'public' | 'user' | 'admin';

export interface CommandContext {
  cmd: ChatCommand;
  /** `cmd.args` split into words (quotes keep spaces). */
  argv: string[];
  deps: CommandDeps;
  isAdmin: boolean;
  /** Every command this user may run on this bot (for help). */
  visible(): Command[];
  /** The configured language, and hookbot's words in it. */
  locale: Locale;
  t: Translate;
  /** A time as users read it: in the configured zone, e.g. `2024-05-01 20:00 UTC+8`. */
  time(ms: number): string;
  /** A span as users read it: `1 h 5 min`, `1小时5分钟`. */
  span(ms: number): string;
}

export interface Command {
  name: string;
  /** In the user's language: menus and /help show it. */
  description(locale: Locale): string;
  usage?(locale: Locale): string;
  access: Access;
  run(ctx: CommandContext): Promise<Reply>;
}

/** A mistake the user can fix (bad arguments): replied as is, audited as an error. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function commandInfo(c: Command, locale: Locale): CommandInfo {
  const usage = c.usage?.(locale);
  return { name: c.name, description: c.description(locale), admin: c.access === 'admin', ...(usage ? { usage } : {}) };
}

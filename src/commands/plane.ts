// The platform-neutral command plane: every adapter hands its chat commands to `handle` (through
// BotHost.onCommand). Here: the registry, the ACL (deny by default), the audit log, and errors
// turned into polite replies. Handlers only return data.
import type { Logger } from 'pino';
import type { BotAdapter, ChatCommand, CommandInfo, Reply } from '../bot.js';
import type { Clock } from '../clock.js';
import { ConfigError, type Config } from '../config.js';
import type { Notice } from '../notice.js';
import type { IngestAnswer, Store } from '../store/store.js';
import { mask } from '../log.js';
import { adminsOf, mayRun, offered, principalOf, type Principal } from './acl.js';
import { builtinCommands } from './builtin/index.js';
import { commandInfo, UsageError, type Command } from './command.js';
import { customCommand } from './custom.js';
import { code, esc, shorten } from './format.js';
import { splitArgs } from './parse.js';
import { closest } from '../didyoumean.js';
import { formatDuration } from '../i18n/duration.js';
import { asLocale } from '../i18n/locale.js';
import { formatTime, systemTimeZone } from '../i18n/time.js';
import { translator } from '../i18n/translate.js';

export interface CommandDeps {
  config: Config;
  store: Store;
  /** For status: each bot's health(). */
  bots: Map<string, BotAdapter>;
  /**
   * Runs a notice through the whole pipeline (routing, store, worker) as a webhook would.
   * `targets` overrides routing (the `test [target]` command); throws an Error with a clear message on a bad target.
   */
  submit(notice: Omit<Notice, 'id'>, targets?: { to?: string[]; toGroup?: string[] }): Promise<IngestAnswer>;
  clock: Clock;
  logger: Logger;
  version: string;
  startedAt: number;
  /** For custom commands; default global fetch. */
  fetch?: typeof fetch;
  /** `/volc describe`: set when the config has a `volcengine:` block. */
  volcengine?: { describe(source: string, domain: string, app?: string): Promise<string> };
}

export interface CommandPlane {
  /** Never throws: errors become a polite reply. Undefined when there is nothing to say. */
  handle(cmd: ChatCommand): Promise<Reply | undefined>;
  /**
   * For Telegram's menu and Discord/Slack registration. Admin commands are left out when the bot has
   * no admins; the others say whether they are admin-only (`admin`), so a platform that can scope its
   * menu shows them to `adminsFor(botId)` only.
   */
  commandsFor(botId: string): CommandInfo[];
  /** The user ids that may run the admin commands of this bot (empty = nobody). */
  adminsFor(botId: string): string[];
}

// Telegram sends /start when someone opens a chat with the bot: answer it with help.
const ALIASES: Record<string, string> = { start: 'help' };

/**
 * The built-in and custom commands by name. Throws a ConfigError naming the config key when a
 * custom command clashes with another or does not parse (`hookbot check` runs it too).
 */
export function commandRegistry(config: Pick<Config, 'commands'>): Map<string, Command> {
  const registry = new Map<string, Command>();
  for (const c of builtinCommands) registry.set(c.name, c);
  config.commands.forEach((def, i) => {
    const where = `commands[${i}]`;
    if (registry.has(def.name) || ALIASES[def.name]) {
      const what = builtinCommands.some((b) => b.name === def.name) || ALIASES[def.name] ? 'a built-in command' : 'already defined';
      throw new ConfigError([`${where}.name: '${def.name}' is ${what}: choose another name`]);
    }
    try {
      registry.set(def.name, customCommand(def, where));
    } catch (e) {
      throw new ConfigError([(e as Error).message]);
    }
  });
  return registry;
}

/** Throws a ConfigError naming the config key when a custom command clashes with another or does not parse. */
export function createCommandPlane(deps: CommandDeps): CommandPlane {
  const registry = commandRegistry(deps.config);
  const all = [...registry.values()];
  // Replies, menus and times in the configured language and zone.
  const locale = asLocale(deps.config.locale);
  const t = translator(locale);
  // The machine's zone is asked of Intl at the first time shown, not at start (ICU's data is 8 MB).
  let timeZone = deps.config.timezone;
  const time = (ms: number) => formatTime(ms, (timeZone ??= systemTimeZone()), locale);
  const span = (ms: number) => formatDuration(ms, locale);

  async function audit(cmd: ChatCommand, outcome: 'ok' | 'refused' | 'error', detail?: string) {
    const chat = cmd.chat.thread ? `${cmd.chat.id}/${cmd.chat.thread}` : cmd.chat.id;
    deps.logger.info({ bot: cmd.bot, user: cmd.user.id, chat, command: cmd.name, outcome, detail }, 'chat command');
    try {
      await deps.store.audit({
        at: deps.clock.now(),
        bot: cmd.bot,
        user: cmd.user.id,
        chat,
        command: cmd.name,
        args: shorten(cmd.args, 200),
        outcome,
        ...(detail ? { detail: shorten(detail, 500) } : {}),
      });
    } catch (e) {
      // The command already ran; a failed audit write must not turn its reply into an error.
      deps.logger.error({ err: (e as Error).message, bot: cmd.bot, command: cmd.name }, 'could not write the audit log');
    }
  }

  function refusal(c: Command, cmd: ChatCommand): string {
    const key = c.access === 'admin' ? 'admins' : 'users';
    return t(c.access === 'admin' ? 'plane.adminOnly' : 'plane.notUser', { command: esc(c.name), key: code(`bots.${cmd.bot}.${key}`) });
  }

  async function handle(cmd: ChatCommand): Promise<Reply | undefined> {
    try {
      return await dispatch({ ...cmd, name: String(cmd.name ?? '').toLowerCase(), args: String(cmd.args ?? '').trim() });
    } catch (e) {
      // Only a malformed command from an adapter gets here; the adapter's loop must not die of it.
      deps.logger.error({ err: e, bot: cmd?.bot }, 'chat command could not be handled');
      return { text: t('plane.malformed'), ephemeral: true };
    }
  }

  async function dispatch(cmd: ChatCommand): Promise<Reply | undefined> {
    const name = ALIASES[cmd.name] ?? cmd.name;
    const c = registry.get(name);
    if (!c) {
      await audit(cmd, 'refused', 'unknown command');
      // In a group, an unknown /command is most likely another bot's: stay quiet there, unless the
      // platform says it was meant for us.
      if (cmd.chat.kind === 'group' && !cmd.addressed) return undefined;
      const near = closest(cmd.name, [...registry.keys()]);
      const text = near ? t('plane.unknownNear', { command: esc(cmd.name), near: esc(near) }) : t('plane.unknown', { command: esc(cmd.name) });
      return { text, ephemeral: true };
    }
    let who: Principal;
    try {
      who = principalOf(deps.config, cmd.bot, cmd.user.id);
    } catch {
      who = { isAdmin: false, isUser: false };
    }
    if (!mayRun(c.access, who)) {
      await audit(cmd, 'refused', c.access === 'admin' ? 'not an admin' : 'not in users');
      return { text: refusal(c, cmd), ephemeral: true };
    }
    try {
      const reply = await c.run({
        cmd,
        argv: splitArgs(cmd.args),
        deps,
        isAdmin: who.isAdmin,
        visible: () => all.filter((x) => mayRun(x.access, who)),
        locale,
        t,
        time,
        span,
      });
      await audit(cmd, 'ok');
      return reply;
    } catch (e) {
      const err = e as Error;
      if (err instanceof UsageError) {
        await audit(cmd, 'error', err.message);
        return { text: esc(err.message), ephemeral: true };
      }
      deps.logger.error({ err, bot: cmd.bot, command: cmd.name }, 'chat command failed');
      // Error text can carry a URL with a key in it: mask it before it reaches the chat or the audit log.
      const why = mask(err?.message ?? String(e));
      await audit(cmd, 'error', why);
      return { text: t('plane.failed', { command: esc(cmd.name), why: esc(shorten(why, 300, true)) }), ephemeral: true };
    }
  }

  function commandsFor(botId: string): CommandInfo[] {
    const out: CommandInfo[] = [];
    for (const c of all) {
      const o = offered(c.access, deps.config, botId);
      if (o.offered) out.push({ ...commandInfo(c, locale), admin: o.adminOnly });
    }
    return out;
  }

  return { handle, commandsFor, adminsFor: (botId) => adminsOf(deps.config, botId) };
}

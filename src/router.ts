// Notice → deliveries. Targets come from the payload (send_to / send_to_group), the source's
// own to/to_group, and matching routes; with none anywhere, the superusers get it (NoneBot's rule).
import picomatch from 'picomatch';
import type { BotAdapter, Capabilities, ChatKind } from './bot.js';
import type { Config, SourceConfig } from './config.js';
import type { Notice } from './notice.js';
import type { Mute, NewDelivery } from './store/store.js';
import { didYouMean, known } from './didyoumean.js';

export interface Target {
  bot: string;
  chat: string;
  thread?: string;
  kind: ChatKind;
}

/** `<bot>:<chat>[/<thread>]`; a bot that is one chat (a `fixed` platform) is written as its id alone. */
export function formatTarget(t: { bot: string; chat: string; thread?: string }): string {
  if (t.chat === '') return t.bot;
  return `${t.bot}:${t.chat}${t.thread ? '/' + t.thread : ''}`;
}

/** A payload or config entry that names no valid target; `problems` lists each bad entry. */
export class TargetError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'TargetError';
  }
}

/** Deliveries, and the entries left out because they name no valid target. */
export interface Routed {
  deliveries: NewDelivery[];
  warnings: string[];
}

/** A bare id whose send_from names no bot. */
class UnknownSender extends Error {}

const globCache = new Map<string, (s: string) => boolean>();
/** A compiled glob as routes and mutes match with it (cached). */
export function glob(pattern: string): (s: string) => boolean {
  let m = globCache.get(pattern);
  if (!m) {
    m = picomatch(pattern, { dot: true });
    globCache.set(pattern, m);
  }
  return m;
}

// Expansions kept per router (a config reload makes a new one): senders name the same few chats on
// every request. Bounded, since entries come from payloads: short ones only, emptied when full.
const EXPANDED_MAX = 1024;
const EXPANDED_LENGTH = 200;

export class Router {
  private readonly aliasOf = new Map<string, string>();
  private readonly expanded = new Map<string, readonly Target[]>();
  readonly defaultBot: string;

  constructor(
    private readonly config: Config,
    private readonly bots: ReadonlyMap<string, BotAdapter>,
    /** A bot's platform capabilities (absent: it addresses many chats, as most do). */
    private readonly capabilitiesOf: (bot: string) => Capabilities | undefined = () => undefined,
  ) {
    for (const [id, b] of Object.entries(config.bots)) for (const a of (b as { aliases: string[] }).aliases) this.aliasOf.set(a, id);
    this.defaultBot = config.defaultBot ?? [...bots.keys()][0] ?? 'console';
  }

  /** The bot a `send_from` names: a bot id or one of its aliases. */
  botFor(from: string | undefined): string | undefined {
    if (from === undefined || from === '') return this.defaultBot;
    if (this.bots.has(from)) return from;
    return this.aliasOf.get(from);
  }

  /** Expands one entry (a target, a bare id, or a people/groups name) into targets. Throws an Error naming the entry. */
  expand(entry: string, kind: ChatKind, from?: string): Target[] {
    const raw = entry.trim();
    if (raw === '') throw new Error(`'' is empty: give a chat id, <bot>:<chat>, or a name from people/groups`);
    const colon = raw.indexOf(':');
    if (colon < 0) {
      if (this.isFixed(raw)) return [{ bot: raw, chat: '', kind }];
      if (Object.hasOwn(this.config.people, raw)) return this.expandList(this.config.people[raw]!, 'user', `people.${raw}`);
      if (Object.hasOwn(this.config.groups, raw)) return this.expandList(this.config.groups[raw]!, 'group', `groups.${raw}`);
      const bot = this.botFor(from);
      if (!bot) throw new UnknownSender(`send_from '${from}' is not a bot: use a bot id (${[...this.bots.keys()].join(', ')}) or one of its aliases`);
      try {
        return [this.make(bot, raw, kind, entry)];
      } catch (e) {
        // Not a chat id this bot could have (a word on Telegram or Discord): most likely a
        // mistyped name from groups/people, so say that rather than "not a Telegram chat".
        throw this.unknownName(raw, kind) ?? e;
      }
    }
    const prefix = raw.slice(0, colon);
    const rest = raw.slice(colon + 1);
    if (prefix === 'people' || prefix === 'groups') {
      const list = Object.hasOwn(this.config[prefix], rest) ? this.config[prefix][rest] : undefined;
      if (!list) throw new Error(`'${entry}': no '${rest}' in ${prefix}${didYouMean(rest, Object.keys(this.config[prefix]))} ${known(Object.keys(this.config[prefix]))}`);
      return this.expandList(list, prefix === 'people' ? 'user' : 'group', `${prefix}.${rest}`);
    }
    if (!this.bots.has(prefix)) throw new Error(`'${entry}': no bot '${prefix}'${didYouMean(prefix, this.bots.keys())} ${known([...this.bots.keys()])}`);
    return [this.make(prefix, rest, kind, entry)];
  }

  /**
   * expand(), remembered: its answer depends only on the entry, the kind, the bot `from` names and
   * this router's config (a bot's parseChat reads the text alone). The targets are shared: read only.
   * An entry that names no target is not kept, and throws each time.
   */
  private expandKnown(entry: string, kind: ChatKind, from: string | undefined): readonly Target[] {
    if (entry.length > EXPANDED_LENGTH) return this.expand(entry, kind, from);
    const key = `${kind}\u0000${from ?? ''}\u0000${entry}`;
    let targets = this.expanded.get(key);
    if (!targets) {
      targets = this.expand(entry, kind, from);
      if (this.expanded.size >= EXPANDED_MAX) this.expanded.clear();
      this.expanded.set(key, targets);
    }
    return targets;
  }

  /** `no group named 'opps': did you mean 'ops'? (have: ops, alerts)`, when the config has names to mistype. */
  private unknownName(word: string, kind: ChatKind): Error | undefined {
    const [table, noun] = kind === 'group' ? ([this.config.groups, 'group'] as const) : ([this.config.people, 'person'] as const);
    const names = Object.keys(table);
    if (names.length === 0) return undefined;
    return new Error(`no ${noun} named '${word}'${didYouMean(word, names)} ${known(names)}`);
  }

  private expandList(list: string[], kind: ChatKind, where: string): Target[] {
    // Alias lists hold full targets (validated at start-up), never other aliases, so this cannot loop.
    return list.map((t) => {
      const colon = t.indexOf(':');
      if (colon < 0 && this.isFixed(t)) return { bot: t, chat: '', kind };
      const bot = colon < 0 ? this.defaultBot : t.slice(0, colon);
      if (!this.bots.has(bot)) throw new Error(`${where}: '${t}' names no bot '${bot}'`);
      return this.make(bot, colon < 0 ? t : t.slice(colon + 1), kind, t);
    });
  }

  /** A configured bot whose platform is one chat (a robot webhook): its id alone is the target. */
  private isFixed(bot: string): boolean {
    return this.bots.has(bot) && this.capabilitiesOf(bot)?.chats === 'fixed';
  }

  private make(bot: string, chatPart: string, kind: ChatKind, entry: string): Target {
    if (this.isFixed(bot)) {
      if (chatPart === '') return { bot, chat: '', kind };
      throw new Error(`'${entry}': bot '${bot}' is a single chat (a robot webhook): write just '${bot}', without ':${chatPart}'`);
    }
    try {
      const { chat, thread } = this.bots.get(bot)!.parseChat(chatPart);
      return { bot, chat, thread, kind };
    } catch (e) {
      throw new Error(`'${entry}': ${(e as Error).message}`);
    }
  }

  private expandAll(entries: string[] | undefined, kind: ChatKind, from: string | undefined, where: string, out: Target[], problems: string[]) {
    if (!entries) return;
    // Index loops, without a spread: this runs for every list of every notice.
    for (let i = 0; i < entries.length; i++) {
      try {
        const targets = this.expandKnown(entries[i]!, kind, from);
        for (let j = 0; j < targets.length; j++) out.push(targets[j]!);
      } catch (err) {
        // Every caller names a bad send_from once itself, rather than once for every bare id it spoils.
        if (err instanceof UnknownSender) continue;
        problems.push(`${where}[${i}]: ${(err as Error).message}`);
      }
    }
  }

  /** Every target written in the config, checked at start-up. */
  checkConfig(): string[] {
    const problems: string[] = [];
    const sink: Target[] = [];
    this.expandAll(this.config.superusers, 'user', undefined, 'superusers', sink, problems);
    for (const [n, l] of Object.entries(this.config.people)) this.expandAll(l, 'user', undefined, `people.${n}`, sink, problems);
    for (const [n, l] of Object.entries(this.config.groups)) this.expandAll(l, 'group', undefined, `groups.${n}`, sink, problems);
    for (const [i, r] of this.config.routes.entries()) {
      this.expandAll(r.to, 'user', undefined, `routes[${i}].to`, sink, problems);
      this.expandAll(r.to_group, 'group', undefined, `routes[${i}].to_group`, sink, problems);
    }
    for (const [n, s] of Object.entries(this.config.sources) as [string, SourceConfig][]) {
      if (s.from !== undefined && !this.botFor(s.from)) problems.push(`sources.${n}.from: no bot or bot alias '${s.from}'`);
      this.expandAll(s.to, 'user', s.from, `sources.${n}.to`, sink, problems);
      this.expandAll(s.to_group, 'group', s.from, `sources.${n}.to_group`, sink, problems);
    }
    return problems;
  }

  /**
   * The deliveries for a notice. `override` replaces routing altogether (the `test <target>` command).
   * Throws TargetError listing every bad entry; nothing is half-routed.
   */
  route(n: Omit<Notice, 'id'>, source: SourceConfig | undefined, mutes: Mute[], override?: { to?: string[]; toGroup?: string[] }): NewDelivery[] {
    return this.plan(n, source, mutes, { override, strict: true }).deliveries;
  }

  /**
   * Like route(), but unless `strict`, a bad entry does not lose the notice: it goes to the valid
   * targets (the payload's, the source's own, the matching routes'), else to the superusers, and
   * each bad entry comes back as a warning. Senders such as BetterGI never retry, and their
   * documented example body names a target (`"send_to": "userid"`) no chat platform has.
   * Throws TargetError only when nothing at all can be delivered.
   */
  plan(n: Omit<Notice, 'id'>, source: SourceConfig | undefined, mutes: Mute[], opts: { override?: { to?: string[]; toGroup?: string[] }; strict?: boolean } = {}): Routed {
    const problems: string[] = [];
    const targets: Target[] = [];
    const from = n.from ?? source?.from;
    const override = opts.override;
    if (from !== undefined && !this.botFor(from)) problems.push(`send_from: '${from}' is not a bot: use a bot id (${[...this.bots.keys()].join(', ')}) or one of its aliases`);
    let silent = n.silent ?? source?.silent ?? false;
    if (override) {
      this.expandAll(override.to, 'user', from, 'to', targets, problems);
      this.expandAll(override.toGroup, 'group', from, 'to_group', targets, problems);
    } else {
      this.expandAll(n.to, 'user', from, 'send_to', targets, problems);
      this.expandAll(n.toGroup, 'group', from, 'send_to_group', targets, problems);
      this.expandAll(source?.to, 'user', from, 'source to', targets, problems);
      this.expandAll(source?.to_group, 'group', from, 'source to_group', targets, problems);
      const routes = this.config.routes;
      for (let i = 0; i < routes.length; i++) {
        const r = routes[i]!;
        if (!this.matches(r.match, n)) continue;
        this.expandAll(r.to, 'user', from, `routes[${i}].to`, targets, problems);
        this.expandAll(r.to_group, 'group', from, `routes[${i}].to_group`, targets, problems);
        if (r.silent !== undefined) silent = r.silent;
        if (r.stop) break;
      }
      // Strict routing keeps NoneBot's rule exactly: superusers only when nothing was named at all.
      if (targets.length === 0 && (problems.length === 0 || !opts.strict)) this.expandAll(this.config.superusers, 'user', undefined, 'superusers', targets, problems);
    }
    if (problems.length && (opts.strict || targets.length === 0)) throw new TargetError(targets.length === 0 && !opts.strict ? [...problems, 'and superusers is empty, so nothing is left to deliver to'] : problems);
    if (targets.length === 0) throw new TargetError(['no targets: the payload names none, no route matches and superusers is empty']);

    const mute = mutes.length ? mutes.find((m) => m.pattern === n.source || (n.event !== undefined && glob(m.pattern)(n.event))) : undefined;
    const seen = new Set<string>();
    const out: NewDelivery[] = [];
    for (const t of targets) {
      const target = formatTarget(t);
      const key = `${target}|${t.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Written out rather than `{ ...t, target, … }`: on Node 20's V8 a spread followed by more
      // properties takes a slow path costing microseconds per object, on every request.
      out.push({ bot: t.bot, chat: t.chat, thread: t.thread, kind: t.kind, target, silent, muted: mute ? mute.pattern : undefined });
    }
    return { deliveries: out, warnings: problems };
  }

  private matches(m: Config['routes'][number]['match'], n: Omit<Notice, 'id'>): boolean {
    if (m.source && !glob(m.source)(n.source)) return false;
    if (m.event && !glob(m.event)(n.event)) return false;
    if (m.level && !(Array.isArray(m.level) ? m.level : [m.level]).includes(n.level)) return false;
    return true;
  }
}

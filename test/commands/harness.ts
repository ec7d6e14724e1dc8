// Builds a command plane on the real SQLite store and the real config parser, for the tests.
import { newEventId } from '../../src/event-id.js';
import pino from 'pino';
import { botModules } from '../../bots/index.js';
import { loadedModules } from '../helpers/modules.js';
import type { BotAdapter, ChatCommand } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { formats } from '../../src/inbound/index.js';
import type { Notice } from '../../src/notice.js';
import { createCommandPlane, type CommandDeps } from '../../src/commands/plane.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { IngestAnswer } from '../../src/store/store.js';

export const T0 = Date.parse('2024-05-01T12:00:00Z');

export interface Submitted {
  notice: Omit<Notice, 'id'>;
  targets?: { to?: string[]; toGroup?: string[] };
}

export function makePlane(yaml: string, over: Partial<CommandDeps> = {}) {
  const clock = new ManualClock(T0);
  const store = SqliteStore.open(':memory:', { clock });
  const config = parseConfig(yaml, { env: {}, bots: botModules, formats });
  // Times in replies are in the configured zone, else the machine's: pin it so tests read the same anywhere.
  config.timezone ??= 'UTC';
  const logger = pino({ level: 'silent' });
  const bots = new Map<string, BotAdapter>();
  for (const [id, b] of Object.entries(config.bots)) {
    const { platform, admins: _a, users: _u, aliases: _al, limits: _l, ...opts } = b as any;
    bots.set(id, loadedModules[platform]!.create(id, loadedModules[platform]!.options.parse(opts), { logger, clock }));
  }
  const submitted: Submitted[] = [];
  // Stands in for the pipeline: records what it was asked and stores one delivery per target.
  const submit = async (notice: Omit<Notice, 'id'>, targets?: Submitted['targets']): Promise<IngestAnswer> => {
    submitted.push({ notice, targets });
    const all = [...(targets?.to ?? []).map((t) => ({ t, kind: 'user' as const })), ...(targets?.toGroup ?? []).map((t) => ({ t, kind: 'group' as const }))];
    const deliveries = all.map(({ t, kind }) => {
      const m = /^([a-z][a-z0-9_-]*):([^/]+)(?:\/(.+))?$/.exec(t);
      if (!m || !config.bots[m[1]!]) throw new Error(`'${t}' is not a target: write <bot>:<chat>[/<thread>]`);
      return { bot: m[1]!, chat: m[2]!, thread: m[3], kind, target: t, silent: false };
    });
    return store.ingest({ id: newEventId(clock.now()), source: notice.source, notice, deliveries });
  };
  const deps: CommandDeps = { config, store, bots, submit, clock, logger, version: '0.1.0-test', startedAt: T0, ...over };
  const plane = createCommandPlane(deps);
  return { plane, store, clock, config, submitted, deps };
}

/** A command as an adapter would hand it over. */
export function cmd(name: string, args = '', over: Partial<ChatCommand> & { userId?: string; chatId?: string; thread?: string; kind?: 'user' | 'group' } = {}): ChatCommand {
  return {
    bot: over.bot ?? 'tg',
    platform: over.platform ?? 'console',
    name,
    args,
    user: over.user ?? { id: over.userId ?? '42', name: 'alice' },
    chat: over.chat ?? { id: over.chatId ?? '-1001234', kind: over.kind ?? 'group', ...(over.thread ? { thread: over.thread } : {}) },
  };
}

export const BASE_YAML = `
bots:
  tg: { platform: console, admins: ["42"] }
  open: { platform: console }
sources:
  bgi: { format: report, token: "0123456789abcdef0123" }
`;

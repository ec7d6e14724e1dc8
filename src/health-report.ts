// What GET /healthz answers, and what /metrics' health gauges read: each problem named, with what
// it is, where, since when and why, so a person (or a monitor) knows what to look at.
//
// Status codes, for monitors: 200 `ok` when all is well; 200 `degraded` when something is wrong
// but notices still flow somewhere (one bot of several down, a chat stuck, a bot reconnecting);
// 503 `down` when nothing can be delivered: the store is failing (webhooks get 503 too), or every
// bot this instance sends for is unreachable or unhealthy.
import type { BotHealth } from './bot.js';
import type { ChatTrouble, Outage } from './outages.js';

/** A bot reconnecting by itself is a problem once it has tried this long (a restart takes seconds). */
export const CONNECTING_GRACE_MS = 60_000;

export type ProblemKind = 'store_failing' | 'platform_unreachable' | 'bot_unhealthy' | 'bot_connecting' | 'chat_stuck';

export interface Problem {
  kind: ProblemKind;
  bot?: string;
  chat?: string;
  /** ISO-8601. */
  since: string;
  reason: string;
}

export type StoreHealth = { state: 'ok' | 'failing'; reason?: string; since: string };

export interface HealthInputs {
  now: number;
  version: string;
  bots: ReadonlyMap<string, { health(): BotHealth }>;
  store: StoreHealth;
  /** Bots whose platform fails, as the worker met it (worker.failingBots()). */
  failing: readonly Outage[];
  /** Chats that do not move (worker.stuckChats()). */
  stuck: readonly ChatTrouble[];
  /** Which bots this instance sends for; all of them when absent (one instance). */
  mine?: (bot: string) => boolean;
  /** Shown as is (several instances: who owns each bot). */
  ownership?: unknown;
}

export interface HealthReport {
  /** The HTTP status of /healthz. */
  httpStatus: 200 | 503;
  status: 'ok' | 'degraded' | 'down';
  problems: Problem[];
  body: Record<string, unknown>;
  /** When it was made (ms): how long each problem has lasted is counted from here. */
  at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function healthReport(i: HealthInputs): HealthReport {
  const problems: Problem[] = [];
  if (i.store.state === 'failing') problems.push({ kind: 'store_failing', since: i.store.since, reason: i.store.reason ?? 'the store is failing' });
  const states = Object.fromEntries([...i.bots].map(([id, b]) => [id, b.health()]));
  const mine = i.mine ?? (() => true);
  const down = new Set<string>();
  for (const [bot, h] of Object.entries(states)) {
    if (!mine(bot)) continue;
    const outage = i.failing.find((o) => o.bot === bot);
    if (h.state === 'unhealthy') {
      problems.push({ kind: 'bot_unhealthy', bot, since: h.since, reason: h.reason ?? 'the platform refused the bot' });
      down.add(bot);
    } else if (outage) {
      problems.push({ kind: outage.kind === 'unhealthy' ? 'bot_unhealthy' : 'platform_unreachable', bot, since: iso(outage.since), reason: outage.reason });
      down.add(bot);
    } else if (h.state === 'starting' && i.now - Date.parse(h.since) >= CONNECTING_GRACE_MS) {
      problems.push({ kind: 'bot_connecting', bot, since: h.since, reason: h.reason ?? 'still connecting' });
    }
  }
  for (const c of i.stuck) if (!down.has(c.bot)) problems.push({ kind: 'chat_stuck', bot: c.bot, chat: c.chat, since: iso(c.since), reason: c.reason });

  const sending = Object.keys(states).filter(mine);
  const status = i.store.state === 'failing' || (sending.length > 0 && sending.every((b) => down.has(b))) ? 'down' : problems.length ? 'degraded' : 'ok';
  return {
    at: i.now,
    httpStatus: status === 'down' ? 503 : 200,
    status,
    problems,
    body: { ok: status === 'ok', status, version: i.version, bots: states, store: i.store, ownership: i.ownership, problems },
  };
}

// GET /healthz: names each problem, with since when and why. 503 for what is broken or needs a
// person (the store failing, a bot whose token is refused, a stuck chat, an outage that has lasted
// long); 200 with the reasons for what passes on its own (a bot connecting or reconnecting, a
// platform unreachable for a while, probed until it answers).
import type { BotAdapter } from './bot.js';
import type { Clock } from './clock.js';
import { mask } from './log.js';
import type { WorkerHealth } from './worker.js';

export interface Problem {
  /** `bot telegram`, `store`, `chat telegram:-100123`. */
  what: string;
  kind: 'unhealthy' | 'unreachable' | 'connecting' | 'store' | 'stuck';
  /** `down` needs a person (503); `degraded` passes on its own (200). */
  severity: 'down' | 'degraded';
  since: string;
  /** Seconds since `since`. */
  forSeconds: number;
  reason: string;
}

export interface HealthReport {
  ok: boolean;
  status: 'ok' | 'degraded' | 'down';
  version: string;
  bots: Record<string, ReturnType<BotAdapter['health']>>;
  problems: Problem[];
}

/** What the worker (and anyone else) sees of the store: failing since when, doing what. */
export class StoreHealth {
  private readonly failing = new Map<string, { since: number; reason: string }>();
  constructor(private readonly clock: Clock) {}

  /** `op` names what failed: `claim` (reading due work), `record` (an outcome), `commit` (an ingest). */
  failed(op: string, err: unknown): void {
    const reason = mask(err instanceof Error ? err.message : String(err));
    const f = this.failing.get(op);
    if (f) f.reason = reason;
    else this.failing.set(op, { since: this.clock.now(), reason });
  }
  ok(op: string): void {
    this.failing.delete(op);
  }
  problems(): Omit<Problem, 'forSeconds'>[] {
    const what: Record<string, string> = { claim: 'cannot read due deliveries', record: 'cannot record delivery outcomes', commit: 'cannot commit webhooks' };
    return [...this.failing].map(([op, f]) => ({ what: 'store', kind: 'store', severity: 'down', since: iso(f.since), reason: `${what[op] ?? op}: ${f.reason}` }));
  }
  get failingSince(): number | undefined {
    const t = [...this.failing.values()].map((f) => f.since);
    return t.length ? Math.min(...t) : undefined;
  }
}

const iso = (t: number) => new Date(t).toISOString();

export interface HealthInputs {
  version: string;
  clock: Clock;
  bots: ReadonlyMap<string, BotAdapter>;
  worker?: WorkerHealth;
  store?: StoreHealth;
  /** A platform unreachable for longer than this is `down`. */
  outageDownAfterMs: number;
}

export function healthReport(i: HealthInputs): HealthReport {
  const now = i.clock.now();
  const bots = Object.fromEntries([...i.bots].map(([id, b]) => [id, b.health()]));
  const found: Omit<Problem, 'forSeconds'>[] = [...(i.store?.problems() ?? [])];
  const outages = new Map((i.worker?.outages ?? []).map((o) => [o.bot, o]));
  for (const [id, h] of Object.entries(bots)) {
    const o = outages.get(id);
    const what = `bot ${id}`;
    if (h.state === 'unhealthy' || o?.unhealthy) {
      const reason = h.state === 'unhealthy' ? h.reason : o?.reason;
      found.push({ what, kind: 'unhealthy', severity: 'down', since: o ? iso(o.since) : h.since, reason: `refused by its platform, check its token${reason ? `: ${reason}` : ''}` });
    } else if (o) {
      const next = Math.max(0, Math.ceil((o.probeAt - now) / 1000));
      found.push({
        what,
        kind: 'unreachable',
        // Passes on its own, unless it has lasted long enough to need a person.
        severity: now - o.since >= i.outageDownAfterMs ? 'down' : 'degraded',
        since: iso(o.since),
        reason: `platform unreachable since ${iso(o.since)}, ${o.failures} failed sends, next try in ${next} s: ${o.reason}`,
      });
    } else if (h.state === 'starting') {
      found.push({ what, kind: 'connecting', severity: 'degraded', since: h.since, reason: `connecting: ${h.reason ?? 'starting'}` });
    }
  }
  for (const s of i.worker?.stuck ?? []) found.push({ what: `chat ${s.target}`, kind: 'stuck', severity: 'down', since: iso(s.since), reason: `stuck: ${s.reason}` });
  const problems = found.map((p) => ({ ...p, forSeconds: Math.max(0, Math.round((now - Date.parse(p.since)) / 1000)) }));
  const down = problems.some((p) => p.severity === 'down');
  return { ok: !down, status: down ? 'down' : problems.length ? 'degraded' : 'ok', version: i.version, bots, problems };
}

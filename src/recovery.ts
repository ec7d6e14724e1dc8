// Recovery after an outage: when a bot's platform fails (unreachable, 5xx, a refused token), its
// deliveries are held and one of them probes the platform on a short schedule (1 s, doubling,
// capped at a few seconds). When a send works again the bot is released at once, and so are the
// deliveries that failed during the outage: no chat keeps waiting out its own long backoff once
// the platform is back. Kept in memory only: a restart starts afresh.

export interface Outage {
  bot: string;
  /** When the first failure of this outage happened. */
  since: number;
  /** The latest failure's reason (masked). */
  reason: string;
  /** The platform refused the bot itself (bad token): a person must act. */
  unhealthy: boolean;
  failures: number;
  /** When the next probe may go. */
  probeAt: number;
}

interface State extends Outage {
  /** Deliveries that failed during this outage, to be released when it ends. */
  failed: Set<number>;
  probing: boolean;
  /** Failed probes so far (the first failure counts as one): the schedule's step. */
  steps: number;
}

export class Recovery {
  private readonly bots = new Map<string, State>();

  constructor(private readonly probe: { minMs: number; maxMs: number }) {}

  /**
   * A send of this bot failed because of the platform (not of the one message). The probe schedule
   * starts at the first failure and steps on with each failed probe; sends that were already in
   * flight and fail meanwhile do not push it further out.
   */
  failed(bot: string, delivery: number, reason: string, now: number, unhealthy: boolean, probe = false): Outage {
    let s = this.bots.get(bot);
    if (!s) {
      s = { bot, since: now, reason, unhealthy, failures: 0, probeAt: now, failed: new Set<number>(), probing: false, steps: 0 };
      this.bots.set(bot, s);
    }
    s.failures++;
    s.reason = reason;
    s.unhealthy = unhealthy;
    s.failed.add(delivery);
    if (s.steps === 0 || probe) {
      s.steps++;
      s.probeAt = now + Math.min(this.probe.maxMs, this.probe.minMs * 2 ** Math.min(30, s.steps - 1));
    }
    const { failed: _f, probing: _p, steps: _s, ...outage } = s;
    return outage;
  }

  /**
   * A send of this bot worked: the outage is over. Returns the deliveries to release now: those that
   * failed during it, when two or more did. One delivery failing on its own while the platform
   * works (a bad upload, say) keeps its own backoff.
   */
  succeeded(bot: string, delivery: number): { outage: Outage; release: number[] } | undefined {
    const s = this.bots.get(bot);
    if (!s) return undefined;
    this.bots.delete(bot);
    const confirmed = s.failed.size >= 2;
    s.failed.delete(delivery);
    const { failed, probing: _p, steps: _s, ...outage } = s;
    return { outage, release: confirmed ? [...failed] : [] };
  }

  /** Bots whose deliveries are held from the normal claims. */
  held(): string[] {
    return [...this.bots.keys()];
  }

  /** Bots whose probe may go now (one at a time per bot). */
  probesDue(now: number): string[] {
    return [...this.bots.values()].filter((s) => !s.probing && s.probeAt <= now).map((s) => s.bot);
  }

  probing(bot: string, on: boolean): void {
    const s = this.bots.get(bot);
    if (s) s.probing = on;
  }

  /** The earliest time a probe is due, for the worker's timer. */
  nextProbeAt(): number | undefined {
    let t: number | undefined;
    for (const s of this.bots.values()) if (!s.probing && (t === undefined || s.probeAt < t)) t = s.probeAt;
    return t;
  }

  outages(): Outage[] {
    return [...this.bots.values()].map(({ failed: _f, probing: _p, steps: _s, ...o }) => o);
  }
}

// Bot ownership: each bot is owned by one live instance at a time, which polls it and sends its
// deliveries, so the per-bot and per-chat rate limits, chat moves and unhealthy holds (all kept
// in that process's memory) hold across instances. A lease row per bot, renewed every few seconds;
// another instance takes a bot whose lease ran out (a dead owner's) at its next round, a bot
// released at a clean stop at once (it is told through the store), and one whose owner is a dead
// process on this same host without waiting for the lease.
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { isDeadLocalInstance } from './instance.js';
import { mask } from './log.js';
import { isStoreUnavailable, type BotOwner, type Store } from './store/store.js';

/** A lease lasts this long; a dead owner's bot is taken within a lease and a round (< 15 s). */
export const BOT_LEASE_MS = 10_000;
export const BOT_ROUND_MS = 3_000;

export interface OwnershipDeps {
  store: Store;
  bots: readonly string[];
  clock: Clock;
  logger: Logger;
  /** This instance now owns the bot: start polling it (its deliveries are claimed from now on). */
  onGain(bot: string): Promise<void> | void;
  /** Ownership lost (taken over, or not renewed in time): stop polling it at once. */
  onLose(bot: string): Promise<void> | void;
  leaseMs?: number;
  roundMs?: number;
  /**
   * Every instance that could take a bot shares this store's one lock (SQLite: one file on one
   * host). Then a store too busy (locked, full) to renew our lease is as busy for everyone else, so
   * nobody can take the bot meanwhile and this instance keeps it until the store answers again.
   */
  exclusiveStore?: boolean;
}

export class Ownership {
  private readonly mine = new Set<string>();
  private seen: BotOwner[] = [];
  private renewedAt = -Infinity;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly leaseMs: number;
  private readonly roundMs: number;

  constructor(private readonly deps: OwnershipDeps) {
    this.leaseMs = deps.leaseMs ?? BOT_LEASE_MS;
    this.roundMs = deps.roundMs ?? BOT_ROUND_MS;
  }

  /** The bots this instance owns now (the worker claims only theirs). */
  owned(): string[] {
    // On a shared store, past our lease by our own clock another instance may own them, even
    // while a late round has not said so yet: send nothing for them then.
    if (!this.deps.exclusiveStore && this.deps.clock.now() - this.renewedAt >= this.leaseMs) return [];
    return [...this.mine];
  }

  /** Who owned each bot at the last round (for /healthz), with this instance's id. */
  owners(): { instance: string; bots: Record<string, { owner: string; since: string; mine: boolean }> } {
    const me = this.deps.store.instance;
    return {
      instance: me,
      bots: Object.fromEntries(this.seen.map((o) => [o.bot, { owner: o.owner, since: new Date(o.since).toISOString(), mine: o.owner === me && this.mine.has(o.bot) }])),
    };
  }

  /** Takes what it can now, then keeps renewing and taking every round. */
  async start(): Promise<void> {
    await this.wake();
    this.timer = setInterval(() => void this.wake(), this.roundMs);
    this.timer.unref();
  }

  /** Runs a round now (another instance released a bot); one at a time, the latest request wins. */
  wake(): Promise<void> {
    if (this.round) {
      this.again = true;
      return this.round;
    }
    this.round = (async () => {
      do {
        this.again = false;
        await this.run();
      } while (this.again && !this.stopped);
    })().finally(() => (this.round = undefined));
    return this.round;
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    const { store, clock, logger } = this.deps;
    const now = clock.now();
    let owned: string[];
    try {
      owned = await store.acquireBots(this.deps.bots, now, now + this.leaseMs);
      let seen = (await store.botOwners()).filter((o) => this.deps.bots.includes(o.bot));
      for (const o of seen) {
        if (o.owner === store.instance || !isDeadLocalInstance(o.owner, store.instance)) continue;
        if (await store.takeBot(o.bot, o.owner, now, now + this.leaseMs)) {
          logger.info({ bot: o.bot, from: o.owner }, 'took over a bot whose instance stopped');
          owned.push(o.bot);
          seen = seen.map((x) => (x.bot === o.bot ? { ...x, owner: store.instance, since: now } : x));
        }
      }
      this.seen = seen;
      this.renewedAt = now;
    } catch (e) {
      logger.warn({ err: mask(String(e)) }, 'could not renew bot ownership; trying again');
      // A store nobody can write: nobody can take the bot from us either. Once it answers, the
      // next round renews our lease (or finds that another instance got there first, and stops).
      if (this.deps.exclusiveStore && isStoreUnavailable(e)) return;
      // A shared store (PostgreSQL) that failed us may still work for other instances: our lease
      // holds until it runs out by our own clock; stop polling and sending before another instance
      // can take the bot, so the two never overlap.
      if (clock.now() - this.renewedAt < this.leaseMs * 0.8) return;
      owned = [];
    }
    if (this.stopped) return;
    for (const bot of [...this.mine]) {
      if (owned.includes(bot)) continue;
      this.mine.delete(bot);
      logger.warn({ bot }, 'this instance no longer owns the bot: it stops polling and sending it');
      await this.safely(() => this.deps.onLose(bot), bot, 'stop');
    }
    for (const bot of owned) {
      if (this.mine.has(bot)) continue;
      this.mine.add(bot);
      logger.info({ bot, instance: store.instance }, 'this instance owns the bot: it polls it and sends its deliveries');
      await this.safely(() => this.deps.onGain(bot), bot, 'start');
    }
  }

  private async safely(fn: () => Promise<void> | void, bot: string, what: string) {
    try {
      await fn();
    } catch (e) {
      this.deps.logger.error({ bot, err: mask(String(e)) }, `bot could not ${what}`);
    }
  }

  /** A clean stop: gives every bot up at once so another instance takes it without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    const bots = [...this.mine];
    this.mine.clear();
    for (const bot of bots) await this.safely(() => this.deps.onLose(bot), bot, 'stop');
    if (bots.length) await this.deps.store.releaseBots(bots).catch((e) => this.deps.logger.warn({ err: mask(String(e)) }, 'could not release bot ownership; it expires by itself'));
  }
}

// The worker: claims due deliveries (the head of each chat's lane), rate-limits, renders, sends
// through the bot adapter, and records sent / retry later / dead. A bot whose platform fails is
// held and probed (recovery.ts); what it sees goes to /healthz (health.ts).
import type { Logger } from 'pino';
import { DeliveryError, type BotAdapter, type SendResult } from './bot.js';
import type { Clock } from './clock.js';
import type { Renderer, Locale } from './render/render.js';
import type { RateLimiter } from './ratelimit.js';
import type { Delivery, Store } from './store/store.js';
import { mask } from './log.js';
import { Recovery, type Outage } from './recovery.js';
import { Stalls, type StuckChat } from './stalls.js';
import type { StoreHealth } from './health.js';

export interface WorkerOptions {
  concurrency: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollMs: number;
  sendTimeoutMs: number;
  /** At a stop, how long to wait for the sends in flight before aborting them (they stay pending). */
  stopTimeoutMs?: number;
  /** A failing platform is probed after 1 s, then 2 s, 4 s, … up to this. */
  probeMaxMs?: number;
  /** A chat whose head has not moved for this long is stuck (health). */
  stuckAfterMs?: number;
}

export const WORKER_DEFAULTS = { stopTimeoutMs: 10_000, probeMinMs: 1000, probeMaxMs: 10_000, stuckAfterMs: 30 * 60_000 };

export interface WorkerDeps {
  store: Store;
  bots: ReadonlyMap<string, BotAdapter>;
  renderer: Renderer;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  localeOf: (source: string) => Locale;
  options: WorkerOptions;
  /** Defaults to Math.random; tests pass their own. */
  random?: () => number;
  /** Called after each outcome (metrics). */
  onOutcome?: (outcome: 'sent' | 'retry' | 'dead' | 'held', bot: string) => void;
  /** Told when a store call fails and when one works again (health). */
  storeHealth?: StoreHealth;
}

/** What the worker knows of problems, for /healthz and /metrics. */
export interface WorkerHealth {
  outages: Outage[];
  stuck: StuckChat[];
}

/** Exponential backoff with jitter: attempt 1 → base, doubling, capped; a random 50–100% of it. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

type Claim = { d: Delivery; probe: boolean };

export class Worker {
  private readonly inflight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private ticking = false;
  private again = false;
  private readonly moves = new Map<string, Record<string, string>>();
  private readonly random: () => number;
  private readonly recovery: Recovery;
  private readonly stalls: Stalls;
  /** Aborts the sends still in flight when a stop has waited long enough. */
  private readonly stopping = new AbortController();

  constructor(private readonly deps: WorkerDeps) {
    this.random = deps.random ?? Math.random;
    const o = { ...WORKER_DEFAULTS, ...deps.options };
    this.recovery = new Recovery({ minMs: WORKER_DEFAULTS.probeMinMs, maxMs: o.probeMaxMs });
    this.stalls = new Stalls({ sendTimeoutMs: o.sendTimeoutMs, stuckAfterMs: o.stuckAfterMs });
  }

  async start(): Promise<void> {
    const n = await this.deps.store.recoverInflight(this.deps.clock.now());
    if (n) this.deps.logger.info({ deliveries: n }, 'resuming deliveries that were in flight at the last stop');
    for (const id of this.deps.bots.keys()) this.moves.set(id, await this.deps.store.chatMoves(id));
    this.running = true;
    this.kick();
  }

  /** Looks for due work now (after an ingest, or when a send finished). */
  kick(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    void this.tick();
  }

  private schedule() {
    clearTimeout(this.timer);
    if (this.running) this.timer = setTimeout(() => this.kick(), this.deps.options.pollMs);
  }

  /** Due deliveries of the bots that work, and one probe for each failing bot whose time has come. */
  private async claim(now: number, room: number): Promise<Claim[]> {
    const { store } = this.deps;
    const held = this.recovery.held();
    const out: Claim[] = (await store.claimDue(now, room, held)).map((d) => ({ d, probe: false }));
    for (const bot of this.recovery.probesDue(now)) {
      if (out.length >= room) break;
      const d = await store.claimProbe(bot, now);
      if (!d) continue;
      this.recovery.probing(bot, true);
      out.push({ d, probe: true });
    }
    this.deps.storeHealth?.ok('claim');
    return out;
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      do {
        this.again = false;
        const room = this.deps.options.concurrency - this.inflight.size;
        if (room <= 0) break;
        const due = await this.claim(this.deps.clock.now(), room);
        for (const c of due) {
          const p = this.run(c).finally(() => {
            this.inflight.delete(p);
            this.kick();
          });
          this.inflight.add(p);
        }
        if (due.length === room) this.again = true;
      } while (this.again && this.running);
    } catch (e) {
      this.deps.storeHealth?.failed('claim', e);
      this.deps.logger.error({ err: mask(String(e)) }, 'worker could not read the store; trying again');
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  /** One delivery, its outcome recorded; a store that cannot record it is reported, not thrown. */
  private async run({ d, probe }: Claim): Promise<void> {
    this.stalls.started(d, this.deps.clock.now());
    try {
      await this.process(d, probe);
      this.deps.storeHealth?.ok('record');
    } catch (e) {
      // The outcome could not be recorded: the delivery stays claimed until its claim is recovered
      // (at least once), and the worker goes on with the others.
      this.deps.storeHealth?.failed('record', e);
      this.deps.logger.error({ delivery: d.id, err: mask(String(e)) }, 'could not record a delivery outcome');
    } finally {
      this.stalls.finished(d);
      if (probe) this.recovery.probing(d.bot, false);
    }
  }

  private async process(d: Delivery, probe: boolean): Promise<void> {
    const { store, clock, logger } = this.deps;
    const log = logger.child({ delivery: d.id, target: d.target });
    const bot = this.deps.bots.get(d.bot);
    if (!bot) return this.dead(d, `no bot '${d.bot}' is configured any more`);
    const wait = this.deps.limiter.reserve(d.bot, d.chat, d.kind);
    if (wait > 0) {
      // Not an attempt: the chat is only busy. Other chats go on meanwhile.
      await store.markRetry(d.id, clock.now() + wait, d.lastError, clock.now(), false);
      return;
    }
    const notice = await store.getNotice(d.eventId);
    if (!notice) return this.dead(d, `event ${d.eventId} is missing from the store`);
    let msg;
    try {
      msg = this.deps.renderer.render(notice, { locale: this.deps.localeOf(notice.source), silent: d.silent });
    } catch (e) {
      return this.dead(d, `template error: ${(e as Error).message}`);
    }
    const chat = this.moves.get(d.bot)?.[d.chat] ?? d.chat;
    let res: SendResult;
    try {
      res = await bot.send({ chat, thread: d.thread, kind: d.kind }, msg, {
        signal: AbortSignal.any([AbortSignal.timeout(this.deps.options.sendTimeoutMs), this.stopping.signal]),
        key: `hb${d.id}`,
        pace: () => this.deps.limiter.reserve(d.bot, d.chat, d.kind),
      });
    } catch (e) {
      if (this.stopping.signal.aborted) {
        // Stopped while the platform hung: not the delivery's fault and maybe not sent; it stays
        // pending, as it was, for the next start.
        log.warn('send aborted at stop; the delivery stays pending');
        await store.markRetry(d.id, d.nextAt, d.lastError, clock.now(), false);
        return;
      }
      return this.failed(d, e, probe, log);
    }
    // Outside the send's try: a store that cannot record the outcome is a store error (health),
    // never a failed send to be sent again.
    // One place was reserved; a delivery sent as several messages, unpaced, owes the rest to the
    // limits. Charged before recording the outcome: the messages went out even if the store then fails.
    if (!res.paced) this.deps.limiter.charge(d.bot, d.chat, d.kind, (res.messageIds?.length ?? 1) - 1);
    this.stalls.moved(d);
    this.deps.onOutcome?.('sent', d.bot);
    // The platform works again whether or not the store can say so.
    const back = this.recovery.succeeded(d.bot, d.id);
    await store.markSent(d.id, clock.now());
    if (res.movedTo && res.movedTo !== chat) {
      log.warn({ from: chat, to: res.movedTo }, 'chat moved; later deliveries go to the new id');
      this.moves.set(d.bot, { ...this.moves.get(d.bot), [d.chat]: res.movedTo, [chat]: res.movedTo });
      await store.setChatMove(d.bot, chat, res.movedTo);
    }
    log.debug('sent');
    if (back) await this.released(d.bot, back);
  }

  /** A bot that was failing works again: what failed during its outage goes now. */
  private async released(bot: string, back: { outage: Outage; release: number[] }): Promise<void> {
    const now = this.deps.clock.now();
    const n = await this.deps.store.releaseHeld(back.release, now);
    this.deps.logger.info(
      { bot, downForMs: now - back.outage.since, released: n },
      `bot ${bot} works again after ${Math.round((now - back.outage.since) / 1000)} s; its deliveries go now`,
    );
    this.kick();
  }

  private async failed(d: Delivery, e: unknown, probe: boolean, log: Logger): Promise<void> {
    const { store, clock } = this.deps;
    const err =
      e instanceof DeliveryError
        ? e
        : new DeliveryError(`unexpected error: ${(e as Error)?.message ?? String(e)}`, { retryable: true, cause: e });
    const reason = mask(err.message);
    const now = clock.now();
    if (err.unhealthy) {
      // The bot itself is refused (bad token): held, not an attempt, and probed until it works.
      const o = this.recovery.failed(d.bot, d.id, reason, now, true, probe);
      if (o.failures === 1) log.error({ bot: d.bot, reason }, 'BOT UNHEALTHY: deliveries are held until it works again (check its token)');
      await store.markRetry(d.id, now, reason, now, false);
      this.stalls.failed(d, reason, now);
      this.deps.onOutcome?.('held', d.bot);
    } else if (!err.retryable) {
      await this.dead(d, reason);
    } else if (err.retryAfterMs !== undefined) {
      // The platform (or the pacing of a message's parts) said how long to wait: obey it exactly;
      // it is not the delivery's fault.
      log.info({ retryAfterMs: err.retryAfterMs, reason }, 'rate limited; waiting as told');
      await store.markRetry(d.id, now + err.retryAfterMs, reason, now, false);
      this.deps.onOutcome?.('retry', d.bot);
    } else {
      // Unreachable, 5xx, a timeout: the platform's trouble. Its other deliveries are held and one
      // probes it on a short schedule.
      const o = this.recovery.failed(d.bot, d.id, reason, now, false, probe);
      if (o.failures === 1) log.warn({ bot: d.bot, reason }, 'platform failing: holding the bot\'s deliveries and probing it');
      this.stalls.failed(d, reason, now);
      if (probe && d.nextAt > now) {
        // A probe before the delivery's own retry time: not one of its attempts.
        await store.markRetry(d.id, d.nextAt, reason, now, false);
      } else if (d.attempts + 1 >= this.deps.options.maxAttempts) {
        await this.dead(d, `gave up after ${d.attempts + 1} attempts: ${reason}`);
        return;
      } else {
        const delay = backoffMs(d.attempts + 1, this.deps.options.baseDelayMs, this.deps.options.maxDelayMs, this.random);
        log.warn({ reason, retryInMs: delay, attempt: d.attempts + 1 }, 'send failed; will retry');
        await store.markRetry(d.id, now + delay, reason, now, true);
      }
      this.deps.onOutcome?.('retry', d.bot);
    }
  }

  private async dead(d: Delivery, reason: string): Promise<void> {
    this.deps.logger.warn({ delivery: d.id, target: d.target, reason }, 'delivery failed for good (dead letter)');
    await this.deps.store.markDead(d.id, reason, this.deps.clock.now());
    this.stalls.moved(d);
    this.deps.onOutcome?.('dead', d.bot);
  }

  /** Claims what is due now (probes included) and waits until it is handled; returns how many. For tests and tools. */
  async runDue(): Promise<number> {
    const due = await this.claim(this.deps.clock.now(), this.deps.options.concurrency);
    await Promise.all(due.map((c) => this.run(c)));
    return due.length;
  }

  health(): WorkerHealth {
    const now = this.deps.clock.now();
    return { outages: this.recovery.outages(), stuck: this.stalls.stuck(now, new Set(this.recovery.held())) };
  }

  /**
   * Stops claiming and waits for the sends in flight to finish — at most `stopTimeoutMs`; then
   * aborts them, and they stay pending (not counted as an attempt) for the next start.
   */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const limit = this.deps.options.stopTimeoutMs ?? WORKER_DEFAULTS.stopTimeoutMs;
    if (await settles(this.inflight, limit)) return;
    this.deps.logger.warn({ sends: this.inflight.size, waitedMs: limit }, 'stopping: sends still in flight after the stop timeout; aborting them (they stay pending)');
    this.stopping.abort();
    // An adapter that ignores its signal is not waited for long: its outcome, if any, is lost
    // with the process and the delivery is resumed at the next start.
    await settles(this.inflight, 2000);
  }
}

/** Waits until the set is empty (new members included) or `ms` passed; true when it emptied. */
async function settles(set: Set<Promise<void>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    while (set.size) if ((await Promise.race([Promise.allSettled([...set]).then(() => true), timeout])) === false) return false;
    return true;
  } finally {
    clearTimeout(timer);
  }
}

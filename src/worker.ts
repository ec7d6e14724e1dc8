// The worker: claims due deliveries (the head of each chat's lane), rate-limits, renders, sends
// through the bot adapter, and records sent / retry later / dead.
import type { Logger } from 'pino';
import { DeliveryError, type BotAdapter } from './bot.js';
import type { Clock } from './clock.js';
import type { Renderer, Locale } from './render/render.js';
import type { RateLimiter } from './ratelimit.js';
import type { Delivery, Store } from './store/store.js';
import { mask } from './log.js';

export interface WorkerOptions {
  concurrency: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollMs: number;
  sendTimeoutMs: number;
}

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
  /** The public link to an event's image (server.publicUrl), for robots that show images by URL. */
  mediaUrl?: (eventId: string) => string;
  /** Called after each outcome (metrics). */
  onOutcome?: (outcome: 'sent' | 'retry' | 'dead' | 'held', bot: string) => void;
}

/** How long a bot with a bad token is left alone before one delivery probes it again. */
export const UNHEALTHY_PROBE_MS = 60_000;

/** Exponential backoff with jitter: attempt 1 → base, doubling, capped; a random 50–100% of it. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export class Worker {
  private readonly inflight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private ticking = false;
  private again = false;
  private readonly heldUntil = new Map<string, number>();
  private readonly moves = new Map<string, Record<string, string>>();
  private readonly random: () => number;

  constructor(private readonly deps: WorkerDeps) {
    this.random = deps.random ?? Math.random;
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

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      do {
        this.again = false;
        const room = this.deps.options.concurrency - this.inflight.size;
        if (room <= 0) break;
        const now = this.deps.clock.now();
        const skip = [...this.deps.bots.values()]
          .filter((b) => (this.heldUntil.get(b.id) ?? 0) > now)
          .map((b) => b.id);
        const due = await this.deps.store.claimDue(now, room, skip);
        for (const d of due) {
          const p = this.process(d)
            // The store failed to record the outcome: the delivery stays claimed until the next
            // start resumes it (at least once), and the worker goes on with the others.
            .catch((e) => this.deps.logger.error({ delivery: d.id, err: mask(String(e)) }, 'could not record a delivery outcome'))
            .finally(() => {
            this.inflight.delete(p);
            this.kick();
          });
          this.inflight.add(p);
        }
        if (due.length === room) this.again = true;
      } while (this.again && this.running);
    } catch (e) {
      this.deps.logger.error({ err: mask(String(e)) }, 'worker could not read the store; trying again');
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  private async process(d: Delivery): Promise<void> {
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
    if (this.deps.mediaUrl && msg.image && 'data' in msg.image) msg.image.publicUrl = this.deps.mediaUrl(notice.id);
    const chat = this.moves.get(d.bot)?.[d.chat] ?? d.chat;
    try {
      const res = await bot.send({ chat, thread: d.thread, kind: d.kind }, msg, {
        signal: AbortSignal.timeout(this.deps.options.sendTimeoutMs),
        key: `hb${d.id}`,
        pace: () => this.deps.limiter.reserve(d.bot, d.chat, d.kind),
      });
      // One place was reserved; a delivery sent as several messages, unpaced, owes the rest to the
      // limits. Charged before recording the outcome: the messages went out even if the store then fails.
      if (!res.paced) this.deps.limiter.charge(d.bot, d.chat, d.kind, (res.messageIds?.length ?? 1) - 1);
      await store.markSent(d.id, clock.now());
      if (res.movedTo && res.movedTo !== chat) {
        log.warn({ from: chat, to: res.movedTo }, 'chat moved; later deliveries go to the new id');
        this.moves.set(d.bot, { ...this.moves.get(d.bot), [d.chat]: res.movedTo, [chat]: res.movedTo });
        await store.setChatMove(d.bot, chat, res.movedTo);
      }
      this.heldUntil.delete(d.bot);
      this.deps.onOutcome?.('sent', d.bot);
      log.debug('sent');
    } catch (e) {
      const err =
        e instanceof DeliveryError
          ? e
          : new DeliveryError(`unexpected error: ${(e as Error)?.message ?? String(e)}`, { retryable: true, cause: e });
      const reason = mask(err.message);
      const now = clock.now();
      if (err.unhealthy) {
        this.heldUntil.set(d.bot, now + UNHEALTHY_PROBE_MS);
        log.error({ bot: d.bot, reason }, 'BOT UNHEALTHY: deliveries are held until it works again (check its token)');
        await store.markRetry(d.id, now + UNHEALTHY_PROBE_MS, reason, now, false);
        this.deps.onOutcome?.('held', d.bot);
      } else if (!err.retryable) {
        await this.dead(d, reason);
      } else if (err.retryAfterMs !== undefined) {
        // The platform (or the pacing of a message's parts) said how long to wait: obey it exactly;
        // it is not the delivery's fault.
        log.info({ retryAfterMs: err.retryAfterMs, reason }, 'rate limited; waiting as told');
        await store.markRetry(d.id, now + err.retryAfterMs, reason, now, false);
        this.deps.onOutcome?.('retry', d.bot);
      } else if (d.attempts + 1 >= this.deps.options.maxAttempts) {
        await this.dead(d, `gave up after ${d.attempts + 1} attempts: ${reason}`);
      } else {
        const delay = backoffMs(d.attempts + 1, this.deps.options.baseDelayMs, this.deps.options.maxDelayMs, this.random);
        log.warn({ reason, retryInMs: delay, attempt: d.attempts + 1 }, 'send failed; will retry');
        await store.markRetry(d.id, now + delay, reason, now, true);
        this.deps.onOutcome?.('retry', d.bot);
      }
    }
  }

  private async dead(d: Delivery, reason: string): Promise<void> {
    this.deps.logger.warn({ delivery: d.id, target: d.target, reason }, 'delivery failed for good (dead letter)');
    await this.deps.store.markDead(d.id, reason, this.deps.clock.now());
    this.deps.onOutcome?.('dead', d.bot);
  }

  /** Claims what is due now and waits until it is handled; returns how many. For tests and tools. */
  async runDue(): Promise<number> {
    const due = await this.deps.store.claimDue(this.deps.clock.now(), this.deps.options.concurrency, []);
    await Promise.all(due.map((d) => this.process(d)));
    return due.length;
  }

  /** Stops claiming and waits for the sends in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }
}

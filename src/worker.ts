// The worker: claims due deliveries (the head of each chat's lane) of the bots this instance owns,
// rate-limits, renders, sends through the bot adapter, and records sent / retry later / dead.
// A send is never repeated because its outcome could not be recorded: the worker keeps trying to
// record it while its claim lasts (renewing the lease), and only a claim that expired is retried.
import type { Logger } from 'pino';
import { DeliveryError, type BotAdapter } from './bot.js';
import type { Clock } from './clock.js';
import type { Renderer, Locale } from './render/render.js';
import type { RateLimiter } from './ratelimit.js';
import { CLAIM_LEASE_MS, isStoreUnavailable, type Claimed, type ClaimRef, type Store } from './store/store.js';
import { mask } from './log.js';
import { isDeadLocalInstance } from './instance.js';
import { Outages, type ChatTrouble, type Outage } from './outages.js';

export interface WorkerOptions {
  concurrency: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollMs: number;
  sendTimeoutMs: number;
  /** At a stop, how long to wait for the sends in flight before aborting them (they stay pending). */
  stopTimeoutMs?: number;
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
  /** The bots whose deliveries this instance may send now (those it owns); all of them by default. */
  owned?: () => readonly string[];
  /** Told when the store fails (the reason) and when it works again (undefined): health shows it. */
  onStoreHealth?: (problem: string | undefined) => void;
  /** How long a claim lasts without renewal; defaults to CLAIM_LEASE_MS. */
  claimLeaseMs?: number;
  /** Waits between attempts to record an outcome; tests pass one that moves their clock. */
  sleep?: (ms: number) => Promise<void>;
}

/** What a send came to, to be recorded under the delivery's claim. */
type Outcome =
  | { kind: 'sent'; chat: string; movedTo?: string }
  | { kind: 'retry'; nextAt: number; error: string | undefined; countAttempt: boolean }
  | { kind: 'dead'; reason: string };

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Exponential backoff with jitter: attempt 1 → base, doubling, capped; a random 50–100% of it. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export class Worker {
  /** Every claimed delivery until its outcome is recorded (what a stop waits for). */
  private readonly inflight = new Set<Promise<void>>();
  /**
   * The sends in flight, each holding one of `concurrency` slots from its claim until the platform
   * answered. The slot is free while the outcome is being recorded: the next claim then goes to the
   * store with that outcome, in one hand-off (the chat's own next delivery is not claimable before
   * the outcome is recorded: its lane stays blocked until then).
   */
  private readonly sending = new Set<object>();
  /** Claims being worked on, by token: their leases are renewed until their outcome is recorded. */
  private readonly claims = new Map<string, Claimed>();
  private timer?: NodeJS.Timeout;
  private upkeep?: NodeJS.Timeout;
  private storeProblem?: string;
  private stopping = false;
  private running = false;
  private ticking = false;
  private again = false;
  /** Bots whose platform fails (probed with one delivery, the rest held) and chats that wait on theirs. */
  private readonly outages = new Outages();
  /** The deliveries claimed as a probe of their bot's failing platform. */
  private readonly probes = new Set<number>();
  /** When a delivery last spent an attempt on a failing platform: probes spend them at the backoff's pace. */
  private readonly spentAt = new Map<number, number>();
  /** When each claim in `claims` was taken: one held far beyond its lease is a stuck chat. */
  private readonly claimedAt = new Map<string, number>();
  /** The sends in flight, aborted when a stop has waited `stopTimeoutMs` for them. */
  private readonly sendAborts = new Set<AbortController>();
  private sendsAborted = false;
  private readonly moves = new Map<string, Record<string, string>>();
  /** When the first bot left out of the last claim for its full rate window may send again. */
  private wakeAt = Infinity;
  private readonly random: () => number;

  private readonly leaseMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: WorkerDeps) {
    this.random = deps.random ?? Math.random;
    this.leaseMs = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
    this.sleep = deps.sleep ?? realSleep;
  }

  async start(): Promise<void> {
    await this.releaseStale();
    await this.findGoneBots();
    for (const id of this.deps.bots.keys()) this.moves.set(id, await this.deps.store.chatMoves(id));
    this.running = true;
    // Every third of a lease: renew the claims of sends in flight, and return the expired claims
    // of any instance (a dead one's, or ours whose outcome could not be recorded) to the queue.
    this.upkeep = setInterval(() => void this.keepClaims(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.upkeep.unref();
    this.kick();
  }

  /**
   * This instance just took a bot over: the claims its dead owner left are made pending now rather
   * than at the next upkeep, then due work is looked for.
   */
  async takeOver(): Promise<void> {
    try {
      await this.releaseStale();
    } catch (e) {
      this.deps.logger.warn({ err: mask(String(e)) }, 'could not release the claims of a stopped instance; they are released at the next upkeep');
    }
    this.kick();
  }

  /** Claims whose lease ended, and those of instances of this host that are gone, are pending again. */
  private async releaseStale(): Promise<void> {
    const { store, clock, logger } = this.deps;
    const dead = (await store.claimHolders()).filter((o) => isDeadLocalInstance(o, store.instance));
    const n = await store.releaseClaims(clock.now(), { deadOwners: dead });
    if (n) logger.info({ deliveries: n }, 'resuming deliveries whose claim expired or whose instance stopped');
  }

  /**
   * Bots with deliveries waiting that no config entry names any more: their deliveries are claimed
   * too, and dead-lettered with the reason, rather than left pending for ever.
   */
  private gone: string[] = [];
  private goneCheckedAt = -Infinity;

  private async findGoneBots(): Promise<void> {
    this.goneCheckedAt = this.deps.clock.now();
    this.gone = (await this.deps.store.openBots()).filter((b) => !this.deps.bots.has(b));
  }

  private async keepClaims(): Promise<void> {
    const { store, clock, logger } = this.deps;
    try {
      if (this.claims.size) {
        const leaseUntil = clock.now() + this.leaseMs;
        const held = [...this.claims.values()].filter((c) => c.leaseUntil > clock.now());
        await store.renewClaims(held.map((c) => c.claim), leaseUntil);
        for (const c of held) c.leaseUntil = leaseUntil;
      }
      await this.releaseStale();
      this.storeOk();
    } catch (e) {
      this.storeFailed(e);
      logger.warn({ err: mask(String(e)) }, 'could not renew or release delivery claims; trying again');
    }
  }

  private storeFailed(e: unknown) {
    const problem = `the store is failing: ${mask((e as Error)?.message ?? String(e))}`;
    if (this.storeProblem === problem) return;
    this.storeProblem = problem;
    this.deps.onStoreHealth?.(problem);
  }

  private storeOk() {
    if (this.storeProblem === undefined) return;
    this.storeProblem = undefined;
    this.deps.onStoreHealth?.(undefined);
  }

  private claimable(): readonly string[] {
    return this.deps.owned?.() ?? [...this.deps.bots.keys()];
  }

  /** Looks for due work now (after an ingest, or when a send finished). */
  kick(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    // Kicks of one turn of the event loop (several sends answered, several webhooks committed)
    // make one claim of the store, not one each.
    if (this.kicked) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      if (!this.running) return;
      if (this.ticking) this.again = true;
      else void this.tick();
    });
  }
  private kicked = false;

  /**
   * A webhook was committed. Its deliveries are looked for at once, unless nothing could be claimed
   * before the worker wakes anyway: every slot is sending (a finished send looks again), or every
   * bot's rate window was full at the last claim (the wake-up is set for when the first one frees).
   * Under a stream of webhooks for a rate-limited bot, a claim per turn of the event loop would find
   * nothing each time.
   */
  committed(): void {
    if (this.sending.size >= this.deps.options.concurrency) return;
    if (this.deps.clock.now() < this.fullUntil) return;
    this.kick();
  }
  /** Until when every bot the last claim looked at had its rate window full (-Infinity: not so). */
  private fullUntil = -Infinity;

  private schedule() {
    clearTimeout(this.timer);
    if (!this.running) return;
    // A bot whose rate window was full is looked at again as soon as it frees, not a poll later.
    // (Only a time still ahead: one already past was for a claim that has been made since, or a
    // tick that found no room; waking at once for it would spin while every slot is busy.)
    const until = this.wakeAt - this.deps.clock.now();
    const wake = until > 0 ? Math.min(this.deps.options.pollMs, until) : this.deps.options.pollMs;
    this.timer = setTimeout(() => this.kick(), wake);
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      do {
        this.again = false;
        const room = this.deps.options.concurrency - this.sending.size;
        if (room <= 0) break;
        const now = this.deps.clock.now();
        if (now - this.goneCheckedAt >= 1000) await this.findGoneBots();
        const due = await this.claim(now, room);
        // Only a write shows the store works again (a locked SQLite store still answers reads).
        if (due.length) this.storeOk();
        for (const d of due) {
          this.claims.set(d.claim, d);
          this.claimedAt.set(d.claim, now);
          const slot = {};
          this.sending.add(slot);
          const free = () => {
            if (this.sending.delete(slot)) this.kick();
          };
          const p = this.process(d, free)
            .catch((e) => this.deps.logger.error({ delivery: d.id, err: mask(String(e)) }, 'delivery failed unexpectedly; its claim expires and it is retried'))
            .finally(() => {
              free();
              this.claims.delete(d.claim);
              this.claimedAt.delete(d.claim);
              this.inflight.delete(p);
              // The chat's next delivery is claimable now that this outcome is recorded.
              this.kick();
            });
          this.inflight.add(p);
        }
        if (due.length === room) this.again = true;
      } while (this.again && this.running);
    } catch (e) {
      this.storeFailed(e);
      this.deps.logger.error({ err: mask(String(e)) }, 'worker could not read the store; trying again');
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  /**
   * Claims up to `room` due deliveries: all of those of working bots, and one probe of each bot
   * whose platform fails and whose next probe is due (the rest of its deliveries are held).
   */
  private async claim(now: number, room: number): Promise<Claimed[]> {
    const { store } = this.deps;
    const free: string[] = [];
    const probe: string[] = [];
    let wakeAt = Infinity;
    let allFull = true;
    for (const b of new Set([...this.claimable(), ...this.gone])) {
      const a = this.outages.access(b, now);
      // A bot whose own window is full sends nothing now: its heads stay unclaimed until it frees.
      const full = a === 'none' ? 0 : this.deps.limiter.botWait(b);
      if (full > 0) wakeAt = Math.min(wakeAt, now + full);
      else allFull = false;
      if (full > 0) continue;
      if (a === 'all') free.push(b);
      else if (a === 'probe') probe.push(b);
    }
    this.wakeAt = wakeAt;
    this.fullUntil = allFull && wakeAt < Infinity ? wakeAt : -Infinity;
    const out: Claimed[] = [];
    for (const b of probe) {
      if (out.length >= room) break;
      const [d] = await store.claimDue(now, 1, [b], this.leaseMs);
      if (!d) continue;
      this.outages.probing(b, true);
      this.probes.add(d.id);
      this.deps.logger.info({ bot: b, delivery: d.id }, 'probing the failing platform with one delivery');
      out.push(d);
    }
    if (free.length && out.length < room) out.push(...(await store.claimDue(now, room - out.length, free, this.leaseMs)));
    return out;
  }

  /** Bots whose platform fails now (an outage: probed, the rest held). For /healthz and /metrics. */
  failingBots(): Outage[] {
    return this.outages.list();
  }

  /**
   * Chats that do not move: the head delivery waits on the platform for long while the bot works,
   * or a claim is held far beyond its lease (its outcome cannot be recorded).
   */
  stuckChats(): ChatTrouble[] {
    const now = this.deps.clock.now();
    const held = [...this.claims.values()]
      .filter((c) => now - (this.claimedAt.get(c.claim) ?? now) > this.leaseMs)
      .map((c) => ({ bot: c.bot, chat: c.chat, since: this.claimedAt.get(c.claim)!, reason: `delivery ${c.id} has been sending for ${Math.round((now - this.claimedAt.get(c.claim)!) / 1000)} s: its outcome could not be recorded` }));
    const seen = new Set(held.map((c) => `${c.bot}\u0000${c.chat}`));
    return [...held, ...this.outages.stuckChats(now).filter((t) => !seen.has(`${t.bot}\u0000${t.chat}`))];
  }

  /** This instance no longer sends for the bot (another owns it now): what it knew is stale. */
  forgetBot(bot: string): void {
    this.outages.forget(bot);
  }

  /** Sends a claimed delivery and records what came of it; `sent` is called in between. */
  private async process(d: Claimed, sent?: () => void): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.attempt(d);
    } finally {
      // A probe that told nothing (the chat's own rate limit, a template error) lets another go.
      if (this.probes.delete(d.id)) this.outages.probing(d.bot, false);
    }
    // Called before the outcome goes to the store: a claim it makes (kick) then goes with it.
    sent?.();
    if (!(await this.record(d, outcome))) return;
    if (outcome.kind === 'sent' && outcome.movedTo && outcome.movedTo !== outcome.chat) {
      this.deps.logger.warn({ delivery: d.id, from: outcome.chat, to: outcome.movedTo }, 'chat moved; later deliveries go to the new id');
      this.moves.set(d.bot, { ...this.moves.get(d.bot), [d.chat]: outcome.movedTo, [outcome.chat]: outcome.movedTo });
      await this.deps.store.setChatMove(d.bot, outcome.chat, outcome.movedTo);
    }
  }

  /**
   * Records an outcome under the delivery's claim. A store failure is not a failed send: the
   * outcome is tried again, with backoff, for as long as the claim's lease lasts (it is renewed
   * meanwhile). Past that the claim expires and the delivery is retried, at least once.
   * Returns whether the outcome was recorded.
   */
  private async record(d: Claimed, o: Outcome): Promise<boolean> {
    const { store, clock, logger } = this.deps;
    // Only what names the claim goes to the store, not the whole delivery with its notice.
    const ref: ClaimRef = { id: d.id, claim: d.claim };
    for (let wait = 100; ; wait = Math.min(wait * 2, 5000)) {
      try {
        const now = clock.now();
        const ok =
          o.kind === 'sent'
            ? await store.markSent(ref, now)
            : o.kind === 'dead'
              ? await store.markDead(ref, o.reason, now)
              : await store.markRetry(ref, o.nextAt, o.error, now, o.countAttempt);
        this.storeOk();
        if (!ok) logger.warn({ delivery: d.id, outcome: o.kind }, 'the claim on this delivery expired and was taken again: its outcome is not recorded here');
        return ok;
      } catch (e) {
        if (!isStoreUnavailable(e)) throw e;
        this.storeFailed(e);
        // Stopping: no waiting; the claim expires and the delivery is retried after a restart.
        if (this.stopping || clock.now() + wait >= d.leaseUntil) {
          logger.error({ delivery: d.id, outcome: o.kind, err: mask(String(e)) }, 'could not record a delivery outcome while holding its claim: it will be retried once the claim expires');
          return false;
        }
        logger.warn({ delivery: d.id, outcome: o.kind, err: mask(String(e)) }, 'could not record a delivery outcome; trying again');
        await this.sleep(wait);
      }
    }
  }

  /** Rate limit, render, send: what came of it, recorded by the caller. The store is not touched (the claim brought the notice). */
  private async attempt(d: Claimed): Promise<Outcome> {
    const { clock, logger } = this.deps;
    // Made only when something is logged: most sends log nothing at the usual levels.
    let child: Logger | undefined;
    const log = () => (child ??= logger.child({ delivery: d.id, target: d.target }));
    const bot = this.deps.bots.get(d.bot);
    if (!bot) return this.dead(d, `no bot '${d.bot}' is configured any more`);
    const reservedAt = clock.now();
    const wait = this.deps.limiter.reserve(d.bot, d.chat, d.kind, reservedAt);
    // Not an attempt: the chat is only busy. Other chats go on meanwhile.
    if (wait > 0) return { kind: 'retry', nextAt: clock.now() + wait, error: d.lastError, countAttempt: false };
    const notice = d.notice;
    if (!notice) return this.dead(d, `event ${d.eventId} is missing from the store`);
    let msg;
    try {
      msg = this.deps.renderer.render(notice, { locale: this.deps.localeOf(notice.source), silent: d.silent });
    } catch (e) {
      return this.dead(d, `template error: ${(e as Error).message}`);
    }
    if (this.deps.mediaUrl && msg.image && 'data' in msg.image) msg.image.publicUrl = this.deps.mediaUrl(notice.id);
    const chat = this.moves.get(d.bot)?.[d.chat] ?? d.chat;
    // Aborted when the send times out, or by a stop that waited too long. (One controller and a
    // timer: AbortSignal.any of a timeout signal and a shared one costs several times as much, in
    // its making and in the weak references it leaves to the collector, on every send.)
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), this.deps.options.sendTimeoutMs);
    timer.unref();
    this.sendAborts.add(abort);
    try {
      const res = await bot.send({ chat, thread: d.thread, kind: d.kind }, msg, {
        signal: abort.signal,
        key: `hb${d.id}`,
        pace: () => this.deps.limiter.reserve(d.bot, d.chat, d.kind),
      }).finally(() => {
        clearTimeout(timer);
        this.sendAborts.delete(abort);
        this.deps.limiter.settle(d.bot, d.chat, d.kind, reservedAt);
      });
      // One place was reserved; a delivery sent as several messages, unpaced, owes the rest to the
      // limits. Charged before recording the outcome: the messages went out even if the store then fails.
      if (!res.paced) this.deps.limiter.charge(d.bot, d.chat, d.kind, (res.messageIds?.length ?? 1) - 1);
      this.platformAnswered(d.bot);
      this.outages.chatMoved(d.bot, d.chat);
      this.spentAt.delete(d.id);
      this.deps.onOutcome?.('sent', d.bot);
      if (logger.isLevelEnabled('debug')) log().debug('sent');
      return { kind: 'sent', chat, movedTo: res.movedTo };
    } catch (e) {
      // Stopped while the platform hung: maybe not sent, not the delivery's fault; it stays pending.
      if (this.sendsAborted) return { kind: 'retry', nextAt: d.nextAt, error: d.lastError, countAttempt: false };
      const err =
        e instanceof DeliveryError
          ? e
          : new DeliveryError(`unexpected error: ${(e as Error)?.message ?? String(e)}`, { retryable: true, cause: e });
      const reason = mask(err.message);
      const now = clock.now();
      const probe = this.probes.has(d.id);
      if (err.unhealthy || (err.retryable && err.retryAfterMs === undefined)) {
        // The platform fails as a whole (or refused the bot), not this chat: hold the bot's
        // deliveries and probe it with one (outages.ts). The delivery stays due in the store, so a
        // restart sends at once; the hold lives in this instance's memory.
        const o = this.outages.failed(d.bot, err.unhealthy ? 'unhealthy' : 'unreachable', reason, now);
        if (o.failures === 1) {
          if (o.kind === 'unhealthy') log().error({ bot: d.bot, reason }, 'BOT UNHEALTHY: its deliveries are held and one is tried again and again until it works (check its token)');
          else log().warn({ bot: d.bot, reason }, 'PLATFORM FAILING: the bot’s deliveries are held; one probes it until it answers');
        } else log().info({ bot: d.bot, reason, failures: o.failures, nextProbeInMs: o.nextProbeAt - now }, 'probe failed; trying again later');
        this.deps.onOutcome?.(err.unhealthy ? 'held' : 'retry', d.bot);
        // A refused token is not the delivery's fault: no attempt is spent. A send that found the
        // platform failing spends one and backs off as before. A failed probe keeps its place
        // (claims go by due time), so the same delivery probes again and the held ones spend
        // nothing; it spends an attempt only at the backoff's pace, so it lasts an outage as long
        // as before (about two hours, worker.maxAttempts), and a message that alone makes its
        // platform fail still ends in the dead letters rather than holding its bot.
        const { baseDelayMs, maxDelayMs, maxAttempts } = this.deps.options;
        const last = this.spentAt.get(d.id);
        const spend = !err.unhealthy && (!probe || last === undefined || now - last >= backoffMs(Math.max(1, d.attempts), baseDelayMs, maxDelayMs, () => 1));
        if (spend && d.attempts + 1 >= maxAttempts) return this.dead(d, `gave up after ${d.attempts + 1} attempts: ${reason}`);
        if (spend) this.spentAt.set(d.id, now);
        if (err.unhealthy || probe) return { kind: 'retry', nextAt: Math.min(d.nextAt, now), error: reason, countAttempt: spend };
        return { kind: 'retry', nextAt: now + backoffMs(d.attempts + 1, baseDelayMs, maxDelayMs, this.random), error: reason, countAttempt: true };
      }
      // Any other answer came from a working platform: whatever held the bot is over.
      this.platformAnswered(d.bot);
      if (!err.retryable) return this.dead(d, reason);
      // The platform (or the pacing of a message's parts) said how long to wait: obey it exactly;
      // it is not the delivery's fault, and only this chat waits.
      log().info({ retryAfterMs: err.retryAfterMs, reason }, 'rate limited; waiting as told');
      this.outages.chatWaits(d.bot, d.chat, reason, now);
      this.deps.onOutcome?.('retry', d.bot);
      return { kind: 'retry', nextAt: now + err.retryAfterMs!, error: reason, countAttempt: false };
    }
  }

  /** The platform answered: an outage is over, and every held delivery is claimable at once. */
  private platformAnswered(bot: string): void {
    const o = this.outages.answered(bot);
    if (!o) return;
    this.deps.logger.info({ bot, kind: o.kind, since: new Date(o.since).toISOString(), failures: o.failures }, 'the platform answers again: releasing the held deliveries');
    // The held deliveries are due already; the limiter paces them as usual.
    queueMicrotask(() => this.kick());
  }

  private dead(d: Claimed, reason: string): Outcome {
    this.outages.chatMoved(d.bot, d.chat);
    this.spentAt.delete(d.id);
    this.deps.logger.warn({ delivery: d.id, target: d.target, reason }, 'delivery failed for good (dead letter)');
    this.deps.onOutcome?.('dead', d.bot);
    return { kind: 'dead', reason };
  }

  /** Claims what is due now and waits until it is handled; returns how many. For tests and tools. */
  async runDue(): Promise<number> {
    const due = await this.claim(this.deps.clock.now(), this.deps.options.concurrency);
    await Promise.all(due.map((d) => this.process(d)));
    return due.length;
  }

  /** Stops claiming, waits for the sends in flight to finish, and returns claims left unrecorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    clearTimeout(this.timer);
    clearInterval(this.upkeep);
    const limit = this.deps.options.stopTimeoutMs ?? 10_000;
    if (!(await settles(this.inflight, limit))) {
      // The platform hangs: abort what is still in flight; those deliveries stay pending, not
      // counted as an attempt. An adapter that ignores its signal is not waited for long. The
      // others were answered and their outcomes are still going to the store (a slow commit):
      // not aborted, only waited for a little longer.
      const sends = this.sending.size;
      const recording = this.inflight.size - sends;
      this.deps.logger.warn(
        { sends, recording, waitedMs: limit },
        `stopping: after the stop timeout, ${sends} send(s) still wait on their platform and are aborted (they stay pending), ` +
          `${recording} outcome(s) are still being recorded`,
      );
      this.sendsAborted = true;
      for (const a of this.sendAborts) a.abort();
      await settles(this.inflight, 2000);
    }
    await this.deps.store.releaseClaims(this.deps.clock.now(), { own: true }).catch(() => {});
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

// Platform limits kept before sending, so they are respected rather than discovered by 429s: one
// window per chat (users and groups have different rates) and one per bot.
//
// Each rate is a sliding-window log: the send times of the last `count` messages. A message may go
// when fewer than `count` went in the last `perMs` — in ANY window of that length, not just in
// windows aligned to a clock. A token bucket refills inside the window (20/min lets 20 go at once
// and 20 more over the next minute: 40 in 60 s, and Telegram answers the 21st with 429), and
// fixed-window counters (rate-limiter-flexible's) let twice the rate through at a window's edge.
// The worker needs "how long until this chat may send" with an injected clock over several windows
// at once, without waiting — hence this small class.
import type { ChatKind, Rate, RateLimits } from './bot.js';
import type { Clock } from './clock.js';
import type { DeliveryStore, RecentSend } from './store/store.js';

/**
 * Each window is held a little longer than the platform's: a send is stamped here before its request
 * leaves, and the platform stamps it on arrival, later by a varying delay. Two sends exactly one
 * window apart here can arrive less than a window apart there.
 */
export function windowMs(rate: Rate): number {
  return rate.perMs + Math.min(1000, Math.max(50, Math.round(rate.perMs / 50)));
}

class Window {
  /** Send times still inside the window, oldest first; more than `count` after a charge. */
  private readonly times: number[] = [];
  private last = -Infinity;
  private readonly span: number;
  constructor(readonly rate: Rate) {
    this.span = windowMs(rate);
  }
  private trim(now: number) {
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! + this.span <= now) drop++;
    if (drop) this.times.splice(0, drop);
  }
  /** Milliseconds until one more message may go (0 = now). */
  wait(now: number): number {
    this.trim(now);
    const gap = Math.max(0, this.last + (this.rate.minGapMs ?? 0) - now);
    const over = this.times.length - this.rate.count;
    // With `over + 1` sends to leave the window, the one at index `over` is the last of them to go.
    const full = over >= 0 ? this.times[over]! + this.span - now : 0;
    return Math.max(gap, full, 0);
  }
  take(now: number, n: number) {
    for (let i = 0; i < n; i++) this.times.push(now);
    this.last = Math.max(this.last, now);
  }
  /** Sends made elsewhere (another instance), at their own times: merged in order. */
  add(at: number) {
    let i = this.times.length;
    while (i > 0 && this.times[i - 1]! > at) i--;
    this.times.splice(i, 0, at);
    this.last = Math.max(this.last, at);
  }
  /** A send stamped `from` is known to have left no earlier than `to`: it counts from `to`. */
  restamp(from: number, to: number) {
    if (to <= from) return;
    const i = this.times.lastIndexOf(from);
    if (i < 0) return;
    this.times.splice(i, 1);
    this.add(to);
  }
  /** Nothing in it limits a send any more: it can be forgotten. */
  idle(now: number): boolean {
    this.trim(now);
    return this.times.length === 0 && now - this.last >= (this.rate.minGapMs ?? 0);
  }
}

const rates = (r: Rate | Rate[] | undefined): Rate[] => (r === undefined ? [] : Array.isArray(r) ? r : [r]);
const same = (a: Rate, b: Rate) => a.count === b.count && a.perMs === b.perMs && a.minGapMs === b.minGapMs;

export class RateLimiter {
  private readonly chats = new Map<string, Window[]>();
  private readonly bots = new Map<string, Window[]>();
  private lastPrune = 0;

  constructor(
    private readonly limitsFor: (bot: string) => RateLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * Takes a place in the chat's and the bot's windows when all have room and returns 0; otherwise
   * takes nothing and returns how many milliseconds to wait.
   */
  reserve(bot: string, chat: string, kind: ChatKind, now = this.clock.now()): number {
    const windows = this.windowsFor(bot, chat, kind);
    const wait = Math.max(0, ...windows.map((w) => w.wait(now)));
    if (wait > 0) return wait;
    for (const w of windows) w.take(now, 1);
    this.prune(now);
    return 0;
  }

  /**
   * The send reserved at `reservedAt` is answered now: from here on it counts from now. The
   * platform stamps a message when it arrives, which can be well after the reservation when the
   * process stalls (a busy machine, a long GC) and several reserved sends leave at once; counting
   * each from its answer, which comes after its arrival, keeps the windows on the safe side.
   */
  settle(bot: string, chat: string, kind: ChatKind, reservedAt: number): void {
    const now = this.clock.now();
    for (const w of this.windowsFor(bot, chat, kind)) w.restamp(reservedAt, now);
  }

  /**
   * Milliseconds until the bot as a whole may send again (0 = now), whatever the chat. The worker
   * leaves a bot whose own window is full out of its claims: claiming its due heads only to put
   * them back would cost two store writes each while nothing can go.
   */
  botWait(bot: string): number {
    const now = this.clock.now();
    return Math.max(0, ...this.windows(this.bots, bot, rates(this.limitsFor(bot).bot)).map((w) => w.wait(now)));
  }

  /**
   * Counts `n` more messages after the fact, even past the limit, so later sends wait for them: a
   * delivery that went out as several platform messages (a long text, a photo and its text) used
   * that many. Adapters that pace each part through `SendContext.pace` need none of this.
   */
  charge(bot: string, chat: string, kind: ChatKind, n: number): void {
    if (n <= 0) return;
    const now = this.clock.now();
    for (const w of this.windowsFor(bot, chat, kind)) w.take(now, n);
  }

  /**
   * Counts sends made by another instance (the previous owner of the bot) at their times, so this
   * one does not burst past the platform's limits for having forgotten them.
   */
  seed(bot: string, sends: readonly RecentSend[]): void {
    const now = this.clock.now();
    for (const s of sends) if (s.at <= now) for (const w of this.windowsFor(bot, s.chat, s.kind)) w.add(s.at);
  }

  /** The longest window among the bot's limits: sends older than this limit nothing. */
  longestWindowMs(bot: string): number {
    const l = this.limitsFor(bot);
    return Math.max(0, ...[...rates(l.user), ...rates(l.group), ...rates(l.bot)].map((r) => windowMs(r) + (r.minGapMs ?? 0)));
  }

  private windowsFor(bot: string, chat: string, kind: ChatKind): Window[] {
    const limits = this.limitsFor(bot);
    // Keyed by kind too: the same chat named both in send_to and send_to_group must not swap its
    // windows for fresh (empty) ones at every turn.
    return [
      ...this.windows(this.chats, `${bot}\0${kind}\0${chat}`, rates(kind === 'user' ? limits.user : limits.group)),
      ...this.windows(this.bots, bot, rates(limits.bot)),
    ];
  }

  private windows(map: Map<string, Window[]>, key: string, want: Rate[]): Window[] {
    let w = map.get(key);
    if (!w || w.length !== want.length || w.some((x, i) => !same(x.rate, want[i]!))) {
      w = want.map((r) => new Window(r));
      if (w.length) map.set(key, w);
      else map.delete(key);
    }
    return w;
  }

  // Idle windows carry no state worth keeping: drop them so a bot with many chats stays small.
  private prune(now: number) {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    for (const [k, ws] of this.chats) if (ws.every((w) => w.idle(now))) this.chats.delete(k);
  }

  get size(): number {
    return this.chats.size;
  }
}

/**
 * When this instance takes a bot over, the sends its previous owner made within the longest window
 * are read from the store and counted here first.
 */
export async function carryOverLimits(limiter: RateLimiter, store: Pick<DeliveryStore, 'recentSends'>, bot: string, clock: Clock): Promise<number> {
  const window = limiter.longestWindowMs(bot);
  if (window <= 0) return 0;
  const sends = await store.recentSends(bot, clock.now() - window);
  limiter.seed(bot, sends);
  return sends.length;
}

// Token buckets applied before sending, so platform limits are respected rather than discovered by
// 429s: one bucket per chat (users and groups have different rates) and one per bot.
// Packages such as rate-limiter-flexible count in fixed windows (a burst at a window edge doubles
// the rate) and read the wall clock; the worker needs "how long until this chat may send", without
// waiting and with an injected clock, over two buckets at once — hence this small class.
import type { ChatKind, Rate, RateLimits } from './bot.js';
import type { Clock } from './clock.js';

class Bucket {
  tokens: number;
  /** When the last token was taken; -Infinity before the first. */
  last = -Infinity;
  constructor(
    readonly rate: Rate,
    public at: number,
  ) {
    this.tokens = rate.count;
  }
  refill(now: number) {
    const per = this.rate.perMs / this.rate.count;
    this.tokens = Math.min(this.rate.count, this.tokens + (now - this.at) / per);
    this.at = now;
  }
  /** Milliseconds until one token is there and the least gap has passed (0 = now). */
  wait(now: number): number {
    const gap = Math.max(0, this.last + (this.rate.minGapMs ?? 0) - now);
    if (this.tokens >= 1) return gap;
    // The epsilon keeps float residue (0.999000…01 tokens) from adding a millisecond.
    return Math.max(gap, Math.ceil((1 - this.tokens) * (this.rate.perMs / this.rate.count) - 1e-6));
  }
  take(now: number, n = 1) {
    this.tokens -= n;
    this.last = now;
  }
}

export class RateLimiter {
  private readonly chats = new Map<string, Bucket>();
  private readonly bots = new Map<string, Bucket>();
  private lastPrune = 0;

  constructor(
    private readonly limitsFor: (bot: string) => RateLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * Takes a token from the chat's and the bot's bucket when both have one and returns 0;
   * otherwise takes nothing and returns how many milliseconds to wait.
   */
  reserve(bot: string, chat: string, kind: ChatKind): number {
    const now = this.clock.now();
    const buckets = this.bucketsFor(bot, chat, kind, now);
    let wait = 0;
    for (const b of buckets) {
      b.refill(now);
      wait = Math.max(wait, b.wait(now));
    }
    if (wait > 0) return wait;
    for (const b of buckets) b.take(now);
    this.prune(now);
    return 0;
  }

  /**
   * Takes `n` more tokens after the fact, even below zero, so later sends wait for them: a delivery
   * that went out as several platform messages (a long text, a photo and its text) used that many.
   */
  charge(bot: string, chat: string, kind: ChatKind, n: number): void {
    if (n <= 0) return;
    const now = this.clock.now();
    for (const b of this.bucketsFor(bot, chat, kind, now)) {
      b.refill(now);
      b.take(now, n);
    }
  }

  private bucketsFor(bot: string, chat: string, kind: ChatKind, now: number): Bucket[] {
    const limits = this.limitsFor(bot);
    const chatRate = kind === 'user' ? limits.user : limits.group;
    const buckets: Bucket[] = [];
    // Keyed by kind too: the same chat named both in send_to and send_to_group must not swap its
    // bucket for a fresh (full) one at every turn.
    if (chatRate) buckets.push(this.bucket(this.chats, `${bot}\0${kind}\0${chat}`, chatRate, now));
    if (limits.bot) buckets.push(this.bucket(this.bots, bot, limits.bot, now));
    return buckets;
  }

  private bucket(map: Map<string, Bucket>, key: string, rate: Rate, now: number): Bucket {
    let b = map.get(key);
    if (!b || b.rate.count !== rate.count || b.rate.perMs !== rate.perMs || b.rate.minGapMs !== rate.minGapMs) {
      b = new Bucket(rate, now);
      map.set(key, b);
    }
    return b;
  }

  // Full buckets carry no state worth keeping: drop them so a bot with many chats stays small.
  private prune(now: number) {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    for (const [k, b] of this.chats) {
      b.refill(now);
      if (b.tokens >= b.rate.count && now - b.last >= (b.rate.minGapMs ?? 0)) this.chats.delete(k);
    }
  }

  get size(): number {
    return this.chats.size;
  }
}

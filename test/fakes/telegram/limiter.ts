// Telegram's flood limits as token buckets (Bot FAQ: about 1 message/s per chat with short bursts,
// 20/min per group, 30/s per bot). The clock is injected so tests decide when time passes.
import type { Clock } from '../../../src/clock.js';

export interface BucketRate {
  count: number;
  perMs: number;
  /** Bucket size: how many may go at once after a quiet spell. Defaults to `count`. */
  burst?: number;
  /** At least this long between two messages (a group: 20/min, but still 1/s at most). */
  minGapMs?: number;
}

export class Buckets {
  private readonly state = new Map<string, { tokens: number; at: number; last: number }>();
  constructor(private readonly clock: Clock) {}

  /** Milliseconds until one token is there (0 = now), for each bucket; takes the tokens only if all have one. */
  take(keys: { key: string; rate: BucketRate }[]): number {
    const now = this.clock.now();
    let wait = 0;
    const levels = keys.map(({ key, rate }) => {
      const cap = rate.burst ?? rate.count;
      const s = this.state.get(key) ?? { tokens: cap, at: now, last: -Infinity };
      const tokens = Math.min(cap, s.tokens + ((now - s.at) * rate.count) / rate.perMs);
      // A small epsilon: float refill must not turn an on-time send into a 429.
      if (tokens < 1 - 1e-9) wait = Math.max(wait, Math.ceil(((1 - tokens) * rate.perMs) / rate.count));
      wait = Math.max(wait, s.last + (rate.minGapMs ?? 0) - now);
      return { key, tokens };
    });
    if (wait > 0) return wait;
    for (const l of levels) this.state.set(l.key, { tokens: l.tokens - 1, at: now, last: now });
    return 0;
  }
}

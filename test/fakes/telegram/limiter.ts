// Telegram's flood limits (Bot FAQ: about 1 message/s per chat, 20/min per group, 30/s per bot),
// counted the way Telegram counts them: over the last `perMs` at every moment (a sliding window), so
// a burst of 20 to a group is answered 429 on the 21st until the first of them is a minute old —
// nothing trickles back inside the minute. The clock is injected so tests decide when time passes.
import type { Clock } from '../../../src/clock.js';

export interface BucketRate {
  count: number;
  perMs: number;
  /** How many the window holds; defaults to `count`. Tests give a little slack for clock skew between processes. */
  burst?: number;
  /** At least this long between two messages (a group: 20/min, but still 1/s at most). */
  minGapMs?: number;
}

export class Buckets {
  /** Per key, the times of the messages still inside its window, oldest first. */
  private readonly sent = new Map<string, { times: number[]; last: number }>();
  constructor(private readonly clock: Clock) {}

  /** Milliseconds until a message may go (0 = now) for each window; counts the message only if all have room. */
  take(keys: { key: string; rate: BucketRate }[]): number {
    const now = this.clock.now();
    let wait = 0;
    const states = keys.map(({ key, rate }) => {
      const s = this.sent.get(key) ?? { times: [], last: -Infinity };
      s.times = s.times.filter((t) => t > now - rate.perMs);
      const cap = rate.burst ?? rate.count;
      if (s.times.length >= cap) wait = Math.max(wait, s.times[s.times.length - cap]! + rate.perMs - now);
      wait = Math.max(wait, s.last + (rate.minGapMs ?? 0) - now);
      return { key, s };
    });
    if (wait > 0) return wait;
    for (const { key, s } of states) {
      s.times.push(now);
      s.last = now;
      this.sent.set(key, s);
    }
    return 0;
  }
}

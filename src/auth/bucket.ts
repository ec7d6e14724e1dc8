// A token bucket on an injected clock. rate-limiter-flexible reads Date.now() and sets timers
// internally, so it cannot be driven by a ManualClock; a bucket per source is this small.
import type { Clock } from '../clock.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly count: number,
    private readonly perMs: number,
    private readonly clock: Clock,
  ) {
    this.tokens = count;
    this.last = clock.now();
  }

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.count, this.tokens + (elapsed * this.count) / this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * this.perMs) / this.count);
  }
}

// One reconnect/backoff helper: waits that double up to a cap, with jitter so many bots (or many
// instances) that lost the same network do not all come back in the same millisecond.
export interface Backoff {
  firstMs: number;
  maxMs: number;
  /** Fraction of the wait taken away at random (0 = none, the default: tests stay exact). */
  jitter?: number;
}

export function backoffDelay(b: Backoff, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(b.maxMs, b.firstMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(base * (1 - (b.jitter ?? 0) * random()));
}

/**
 * Runs `attempt` until it succeeds, waiting `backoffDelay` between failures. `attempt` resolves
 * `true` when connected, `false` to stop trying (a failure that needs a person); a throw is retried.
 * Its timers never keep the process alive, and stop() ends it.
 */
export class Reconnector {
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly backoff: Backoff,
    private readonly attempt: () => Promise<boolean>,
    /** Told each failure and the wait before the next try. */
    private readonly onRetry: (err: unknown, inMs: number) => void,
  ) {}

  /** Tries now (or after `delayMs`); a second call while one is scheduled does nothing. */
  start(delayMs = 0): void {
    if (this.stopped || this.timer) return;
    if (delayMs <= 0) void this.run();
    else this.schedule(delayMs);
  }

  /** After a connection that was up went down: start over with the first wait. */
  lost(): void {
    this.failures = 0;
    this.start(backoffDelay(this.backoff, 0));
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    try {
      if (await this.attempt()) this.failures = 0;
    } catch (e) {
      if (this.stopped) return;
      const wait = backoffDelay(this.backoff, this.failures++);
      this.onRetry(e, wait);
      this.schedule(wait);
    }
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, ms);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

// Time is passed in, never read from globals, so tests can drive it.
export interface Clock {
  now(): number;
  /**
   * Calls `fn` once `ms` of this clock's time has passed; the returned function cancels it. A clock
   * without it (the system clock) gets the process's timers through `after()`.
   */
  after?(ms: number, fn: () => void): () => void;
}
export const systemClock: Clock = { now: () => Date.now() };

/** A deadline on `clock`: ManualClock's in tests, a real timer that never keeps the process alive otherwise. */
export function after(clock: Clock, ms: number, fn: () => void): () => void {
  if (clock.after) return clock.after(ms, fn);
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/** A clock tests move by hand; its timers fire as it is moved past them, in order. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void }[] = [];

  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => void (this.timers = this.timers.filter((t) => t !== timer));
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      // The earliest due timer first (the first set among equals), with the clock showing its time.
      const due = this.timers.reduce<(typeof this.timers)[number] | undefined>((a, t) => (t.at <= end && (!a || t.at < a.at) ? t : a), undefined);
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
  set(ms: number): void {
    if (ms >= this.t) this.advance(ms - this.t);
    else this.t = ms;
  }
}

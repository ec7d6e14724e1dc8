// How many webhook requests are processed at once (body read, parsed, waiting for the commit). In
// a burst of thousands of connections each one in flight holds its body, parsed notice, rendered
// text and store hand-off until its group commit: bounded, memory stays flat. The others wait on
// their socket, their bodies unread (TCP pushes back on the sender), and are taken in arrival
// order; none is refused, since many senders never retry.

export class Admission {
  private active = 0;
  // A FIFO as an array with a moving head: shift() on thousands of waiters would copy each time.
  private waiting: (() => void)[] = [];
  private head = 0;

  constructor(readonly limit: number) {}

  /** Resolves when a slot is free; call `release` exactly once after. */
  acquire(): Promise<void> | undefined {
    if (this.active < this.limit) {
      this.active++;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    if (this.head < this.waiting.length) {
      // The slot passes straight to the next in line: `active` is unchanged.
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      next();
    } else this.active--;
  }

  /** Requests being processed, and waiting for a slot. */
  get counts(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length - this.head };
  }
}

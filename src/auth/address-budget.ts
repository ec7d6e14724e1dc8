// Token buckets per client address, for requests that failed authentication. They are counted
// apart from the source's own rate, so a flood of wrong tokens cannot use up the budget of the
// sender that has the right one (an authenticated request never touches these buckets).
import type { Clock } from '../clock.js';
import { TokenBucket } from './bucket.js';

/** Addresses remembered at once; the least recently refused is forgotten first. */
const MAX_ADDRESSES = 10_000;

export class AddressBudget {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly count: number,
    readonly perMs: number,
    private readonly clock: Clock,
    private readonly maxAddresses = MAX_ADDRESSES,
  ) {}

  /** Counts one refused request from `address`; returns 0 while within budget, else ms to wait. */
  take(address: string): number {
    let b = this.buckets.get(address);
    if (b) this.buckets.delete(address);
    else {
      b = new TokenBucket(this.count, this.perMs, this.clock);
      // Map keeps insertion order: the first key is the address refused longest ago.
      if (this.buckets.size >= this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(address, b);
    return b.take();
  }

  get size(): number {
    return this.buckets.size;
  }
}

// Event ids are made here, in the core, not by a store: every instance on a shared store makes
// its own without asking the database. They sort by time: base36 milliseconds, then a random
// per-process tag and a counter (unique without asking the system for randomness every request).
import { randomBytes } from 'node:crypto';

const PROCESS_TAG = randomBytes(4).toString('hex');
let counter = 0;

// The ids of one millisecond share their head: made once for it, not for each.
let headAt = NaN;
let head = '';

export function newEventId(now: number): string {
  counter = (counter + 1) % 0x100000;
  if (now !== headAt) {
    headAt = now;
    head = 'evt_' + now.toString(36).padStart(9, '0') + PROCESS_TAG;
  }
  return head + counter.toString(16).padStart(5, '0');
}

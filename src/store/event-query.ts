// What the dashboard asks of the stored events: filtered, newest first, and the payload an event
// came with (its capture, secrets already redacted).
import type { Capture, EventSummary } from './store.js';

export interface EventFilter {
  source?: string;
  /** An exact event name. */
  event?: string;
  level?: string;
  /** Text in the title or the notice. */
  text?: string;
  /** Only events created before this time (ms): the next page. */
  before?: number;
  limit: number;
}

/** Counts per time bucket since `from`: events received, and deliveries sent (by when they were sent). */
export interface Activity {
  from: number;
  bucketMs: number;
  webhooks: number[];
  sent: number[];
}

/** Buckets from `since` to `now`, each `bucketMs` long, starting on a bucket boundary. */
export function emptyActivity(since: number, now: number, bucketMs: number): Activity {
  const from = Math.floor(since / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((now - from) / bucketMs));
  return { from, bucketMs, webhooks: new Array(n).fill(0), sent: new Array(n).fill(0) };
}

/** Adds one count at time `at` to a series of `a`, ignoring times outside it. */
export function countAt(a: Activity, series: 'webhooks' | 'sent', at: number, n = 1): void {
  const i = Math.floor((at - a.from) / a.bucketMs);
  if (i >= 0 && i < a[series].length) a[series][i]! += n;
}

export interface EventQuery {
  /** The dashboard's chart: webhooks and sent deliveries per bucket over [since, now]. */
  activity(since: number, now: number, bucketMs: number): Promise<Activity>;
  searchEvents(f: EventFilter): Promise<EventSummary[]>;
  /** The captured payload an event was accepted from, when it was captured. */
  captureOf(eventId: string): Promise<Capture | undefined>;
  capture(id: number): Promise<Capture | undefined>;
}

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

export interface EventQuery {
  searchEvents(f: EventFilter): Promise<EventSummary[]>;
  /** The captured payload an event was accepted from, when it was captured. */
  captureOf(eventId: string): Promise<Capture | undefined>;
  capture(id: number): Promise<Capture | undefined>;
}

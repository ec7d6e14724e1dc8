// The neutral model every inbound format produces and every part after the receiver speaks.
export const LEVELS = ['info', 'success', 'warning', 'error'] as const;
export type Level = (typeof LEVELS)[number];

export interface Field {
  name: string;
  value: string;
}

/** An image either by URL or as bytes (base64 so a Notice stays JSON and can be stored as is). */
export type ImageRef = { url: string } | { base64: string; mime: string };

export interface Notice {
  /** Event id in the store (assigned at commit). */
  id: string;
  /** The configured source name the payload came in on. */
  source: string;
  /** The inbound format that parsed it (report, bettergi, onelive, …). */
  format: string;
  /** Event name, e.g. `domain.end`, `live_start`, `alert.firing`. Routes match on it with globs. */
  event: string;
  level: Level;
  /** Plain text (not markup): adapters show it as a heading. */
  title?: string;
  /** Plain text body used when no template applies. */
  text?: string;
  fields?: Field[];
  image?: ImageRef;
  /** Said in the message when an image could not be used (bad base64, too large, …). */
  imageNote?: string;
  /** Lines hookbot adds for the reader, e.g. a target in the payload that could not be used. */
  notes?: string[];
  link?: string;
  /** ISO-8601 time of the event as the sender tells it, else the time it arrived. */
  time: string;
  /** Targets named by the payload: users (`send_to`) and groups (`send_to_group`). */
  to?: string[];
  toGroup?: string[];
  /** `send_from`: the bot bare ids are sent from. */
  from?: string;
  silent?: boolean;
  /** What templates see besides the fields above (the format's own data, e.g. `live_info`). */
  vars: Record<string, unknown>;
}

/** What an inbound format returns: a Notice before the store gives it an id. */
export type ParsedNotice = Omit<Notice, 'id' | 'source' | 'format'> & {
  /** The sender's own event id (OneLiveRec `id`, BililiveRecorder `EventId`, …), for dedup. */
  dedupKey?: string;
};

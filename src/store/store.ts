// The Store contract: events, deliveries, mutes, audit log, captured payloads, chat moves.
// SQLite (store/sqlite.ts) is the embedded default. Every method is async so a networked store
// (PostgreSQL) can implement the same contract.
import type { ChatKind } from '../bot.js';
import type { Notice } from '../notice.js';

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'dead' | 'muted';
export const DELIVERY_STATES: DeliveryState[] = ['pending', 'sending', 'sent', 'dead', 'muted'];

export interface NewDelivery {
  bot: string;
  chat: string;
  thread?: string;
  kind: ChatKind;
  /** The target as written (`telegram:-100123/4`), shown to people. */
  target: string;
  silent: boolean;
  /** Muted deliveries are recorded, never sent (and never silently lost). */
  muted?: string;
}

export interface IngestRequest {
  source: string;
  /** The sender's event id (or Idempotency-Key) — a repeat gets the first answer, nothing new. */
  dedupKey?: string;
  notice: Omit<Notice, 'id'>;
  deliveries: NewDelivery[];
  /** The raw payload to keep (committed in the same transaction); `keep` per source. */
  capture?: Omit<Capture, 'id'> & { keep: number };
}

export interface IngestAnswer {
  id: string;
  deliveries: { id: number; target: string; state: DeliveryState }[];
  /** True when this was a repeat of an event already stored. */
  duplicate: boolean;
}

export interface Delivery extends NewDelivery {
  id: number;
  eventId: string;
  state: DeliveryState;
  attempts: number;
  nextAt: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

export interface EventSummary {
  id: string;
  source: string;
  event: string;
  level: string;
  title?: string;
  createdAt: number;
}

export interface Mute {
  id: number;
  /** A source name or an event glob (`live_*`, `alert.*`). */
  pattern: string;
  until: number;
  by: string;
  createdAt: number;
}

export interface AuditEntry {
  at: number;
  bot: string;
  user: string;
  chat: string;
  command: string;
  args: string;
  /** `ok`, `refused`, `error`. */
  outcome: string;
  detail?: string;
}

export interface Capture {
  id: number;
  source: string;
  at: number;
  /** Request headers and query with secrets redacted. */
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The raw body (secrets redacted when it is JSON). */
  body: string;
  /** What came of it: `accepted <event id>`, `400 …`. */
  outcome: string;
}

export interface Store {
  /** Commits the event and its deliveries (group commit: concurrent calls share one transaction). */
  ingest(req: IngestRequest): Promise<IngestAnswer>;
  /** Due deliveries, oldest first, at most one per chat (so a chat's order holds), marked `sending`. */
  claimDue(now: number, limit: number, skipBots: string[]): Promise<Delivery[]>;
  /**
   * For probing a bot whose platform is failing: the head of one of its chats, due or not (the one
   * due soonest), marked `sending`; undefined when it has none free.
   */
  claimProbe(bot: string, now: number): Promise<Delivery | undefined>;
  /** Those of `ids` still pending and waiting for a later retry are due at `now`, attempts kept; returns how many. */
  releaseHeld(ids: number[], now: number): Promise<number>;
  markSent(id: number, now: number): Promise<void>;
  /** Back to pending, due at `nextAt`; counts an attempt unless `countAttempt` is false (rate-limit waits). */
  markRetry(id: number, nextAt: number, error: string | undefined, now: number, countAttempt?: boolean): Promise<void>;
  markDead(id: number, reason: string, now: number): Promise<void>;
  /** After a crash or restart, deliveries left `sending` are pending again. */
  recoverInflight(now: number): Promise<number>;
  getNotice(eventId: string): Promise<Notice | undefined>;
  getDelivery(id: number): Promise<Delivery | undefined>;
  countByState(): Promise<Record<DeliveryState, number>>;
  lastEventPerSource(): Promise<EventSummary[]>;
  recentEvents(n: number): Promise<EventSummary[]>;
  deliveriesOf(eventId: string): Promise<Delivery[]>;
  failed(n: number): Promise<Delivery[]>;
  /** Dead → pending, due now. `all` retries every dead delivery. Returns how many. */
  retry(idOrAll: number | 'all', now: number): Promise<number>;

  addMute(m: Omit<Mute, 'id'>): Promise<Mute>;
  /** Removes mutes by pattern (or all); returns how many. */
  removeMutes(pattern: string | 'all'): Promise<number>;
  activeMutes(now: number): Promise<Mute[]>;

  audit(e: AuditEntry): Promise<void>;
  auditLog(n: number): Promise<AuditEntry[]>;

  /** Keeps the last `keep` payloads per source. */
  capture(c: Omit<Capture, 'id'>, keep: number): Promise<void>;
  captures(source: string, n: number): Promise<Capture[]>;

  /** A chat moved (Telegram group → supergroup): later deliveries go to the new id. */
  setChatMove(bot: string, from: string, to: string): Promise<void>;
  chatMoves(bot: string): Promise<Record<string, string>>;

  /**
   * Forgets events created before `before` whose deliveries are all finished (sent, dead or muted),
   * with their deliveries, at most `limit` events a call; and audit entries older than that.
   * Returns how many events went. Pending work is never pruned.
   */
  prune(before: number, limit: number): Promise<number>;

  close(): Promise<void>;
}

/** Thrown when the store cannot commit: the receiver answers 503 so the sender retries. */
export class StoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

// The Store contract, in small interfaces: events, deliveries (claims with an owner and a lease),
// mutes, audit log, captured payloads, bot ownership. SQLite (store/sqlite.ts) is the embedded
// default, PostgreSQL (store/postgres.ts) the shared store of several instances; one contract suite
// (test/unit/store/contract.test.ts) runs against both.
import type { ChatKind } from '../bot.js';
import type { Notice } from '../notice.js';

/** How long a claim stays valid without renewal; the worker renews it every third of that while it sends. */
export const CLAIM_LEASE_MS = 60_000;

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
  /** The event id, made by the core (src/event-id.ts); a repeat answers with the first one's id. */
  id: string;
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

/** A delivery claimed for sending: `claim` is the token its outcome must be given with. */
export interface Claimed extends Delivery {
  claim: string;
  leaseUntil: number;
  /**
   * Its event's notice, read with the claim (the worker needs nothing else to send it, so a send
   * costs no second call to the store). Absent when the event is missing from the store.
   */
  notice?: Notice;
}

export type ClaimRef = Pick<Claimed, 'id' | 'claim'>;

export interface RecentSend {
  chat: string;
  kind: ChatKind;
  at: number;
}

export interface BotOwner {
  bot: string;
  owner: string;
  since: number;
  expiresAt: number;
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

/** The events as received: commit (with their deliveries), read back, forget when old. */
export interface EventStore {
  /** Commits the event and its deliveries (group commit: concurrent calls share one transaction). */
  ingest(req: IngestRequest): Promise<IngestAnswer>;
  getNotice(eventId: string): Promise<Notice | undefined>;
  lastEventPerSource(): Promise<EventSummary[]>;
  recentEvents(n: number): Promise<EventSummary[]>;
  /**
   * Forgets events created before `before` whose deliveries are all finished (sent, dead or muted),
   * with their deliveries, at most `limit` events a call; and audit entries older than that.
   * Returns how many events went. Pending work is never pruned.
   */
  prune(before: number, limit: number): Promise<number>;
}

/**
 * The delivery queue. A claim belongs to one instance (`owner`) until `leaseUntil`; only the holder
 * of the claim token may record its outcome: an outcome given with a claim that expired and was
 * taken again returns false and changes nothing.
 */
export interface DeliveryStore {
  /**
   * Due deliveries of the given bots, oldest first, at most one per chat (so a chat's order holds):
   * committed as `sending`, owned by this handle's instance, with a fresh claim token, each with its
   * event's notice.
   */
  claimDue(now: number, limit: number, bots: readonly string[], leaseMs?: number): Promise<Claimed[]>;
  markSent(c: ClaimRef, now: number): Promise<boolean>;
  /** Back to pending, due at `nextAt`; counts an attempt unless `countAttempt` is false (rate-limit waits). */
  markRetry(c: ClaimRef, nextAt: number, error: string | undefined, now: number, countAttempt?: boolean): Promise<boolean>;
  markDead(c: ClaimRef, reason: string, now: number): Promise<boolean>;
  /** Extends the lease of claims still held (a long send); returns how many were still held. */
  renewClaims(claims: readonly string[], leaseUntil: number): Promise<number>;
  /**
   * Makes pending again the claims whose lease ended before `now`, those of this instance from an
   * earlier run (`own`), and those of the instances named in `deadOwners`. Never a live instance's.
   */
  releaseClaims(now: number, opts?: { own?: boolean; deadOwners?: readonly string[] }): Promise<number>;
  /** The bots that have deliveries waiting (to find those of a bot no longer configured). */
  openBots(): Promise<string[]>;
  /** The instances that hold claims now (to find those of an instance that died). */
  claimHolders(): Promise<string[]>;
  /**
   * What a bot sent since `since` (sent deliveries, by the time their outcome was recorded), and
   * what other instances hold claims on (maybe sent: their holder may have died mid-send). A new
   * owner of the bot counts these against the platform's limits (ratelimit.ts, carryOverLimits).
   */
  recentSends(bot: string, since: number): Promise<RecentSend[]>;
  getDelivery(id: number): Promise<Delivery | undefined>;
  countByState(): Promise<Record<DeliveryState, number>>;
  deliveriesOf(eventId: string): Promise<Delivery[]>;
  failed(n: number): Promise<Delivery[]>;
  /** Dead → pending, due now. `all` retries every dead delivery. Returns how many. */
  retry(idOrAll: number | 'all', now: number): Promise<number>;
  /** A chat moved (Telegram group → supergroup): later deliveries go to the new id. */
  setChatMove(bot: string, from: string, to: string): Promise<void>;
  chatMoves(bot: string): Promise<Record<string, string>>;
}

export interface MuteStore {
  addMute(m: Omit<Mute, 'id'>): Promise<Mute>;
  /** Removes mutes by pattern (or all); returns how many. */
  removeMutes(pattern: string | 'all'): Promise<number>;
  activeMutes(now: number): Promise<Mute[]>;
}

export interface AuditStore {
  audit(e: AuditEntry): Promise<void>;
  auditLog(n: number): Promise<AuditEntry[]>;
}

export interface CaptureStore {
  /** Keeps the last `keep` payloads per source. */
  capture(c: Omit<Capture, 'id'>, keep: number): Promise<void>;
  captures(source: string, n: number): Promise<Capture[]>;
}

/**
 * Which live instance owns each bot (polls it and sends its deliveries): a lease row per bot,
 * renewed by its owner, free once it expires or is released.
 */
export interface OwnershipStore {
  /** Takes or renews the lease on each of `bots` that is free, expired or already ours; returns the bots we own now. */
  acquireBots(bots: readonly string[], now: number, leaseUntil: number): Promise<string[]>;
  /** Gives bots up at once (a clean stop), so another instance can take them without waiting. */
  releaseBots(bots: readonly string[]): Promise<void>;
  /** Takes a bot whose owner is known to be dead (its process is gone), if that owner still has it. */
  takeBot(bot: string, deadOwner: string, now: number, leaseUntil: number): Promise<boolean>;
  botOwners(): Promise<BotOwner[]>;
}

/** Everything a store offers; callers that need less take one of the small interfaces. */
export interface Store extends EventStore, DeliveryStore, MuteStore, AuditStore, CaptureStore, OwnershipStore {
  /** The instance this handle acts for (claims and bot leases are taken in its name). */
  readonly instance: string;
  /** Told the bot of newly committed work, by this or another instance (PostgreSQL: LISTEN/NOTIFY). */
  onWork?(listener: (bot: string) => void): void;
  /** Told when another instance gave bots up (a clean stop), so they are taken without waiting. */
  onBotsReleased?(listener: () => void): void;
  close(): Promise<void>;
}

/** Thrown when the store cannot commit: the receiver answers 503 so the sender retries. */
export class StoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

export function isStoreUnavailable(e: unknown): boolean {
  return e instanceof Error && e.name === 'StoreUnavailable';
}

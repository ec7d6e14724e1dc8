// The embedded store: better-sqlite3 in WAL mode, on the main thread. Ingests that arrive together
// share one transaction (group commit): one fsync for many requests keeps durability from costing
// throughput.
//
// A 202 means the event is on disk, yet no fsync runs on the event loop (one costs ~200 µs on a
// local SSD, 10-50 ms on a NAS). SQLite documents synchronous = FULL in WAL mode as NORMAL plus "an
// additional sync operation of the WAL file after each transaction commit", which is what makes
// commits durable across a power loss; NORMAL alone syncs only at checkpoints and when the WAL is
// reused, and "is always consistent" — a power cut can roll back the last commits, never corrupt
// the database (https://www.sqlite.org/pragma.html#pragma_synchronous). So the store commits with
// NORMAL and makes that extra sync itself, as an fdatasync of the WAL on libuv's thread pool
// (wal-sync.ts), and answers a durable op only once a sync that started after its commit succeeded.
// The WAL is appended in order and recovery keeps every frame up to the first bad checksum, so one
// sync covers every commit written before it began.
import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Notice } from '../notice.js';
import { MIGRATIONS, RANGE_UNRANGED, SOURCE_LAST_OF_UNRANGED } from './schema.js';
import { asStoreError } from './sqlite-errors.js';
import { WalSync, type Fsync } from './wal-sync.js';
import {
  CLAIM_LEASE_MS,
  DELIVERY_STATES,
  StoreUnavailable,
  type AuditEntry,
  type BotOwner,
  type Claimed,
  type ClaimRef,
  type Capture,
  type Delivery,
  type DeliveryState,
  type EventSummary,
  type IngestAnswer,
  type IngestRequest,
  type Mute,
  type RecentSend,
  type Store,
} from './store.js';
import { rowToAudit, rowToCapture, rowToDelivery, rowToSummary } from './rows.js';

/**
 * An op of a group commit. `durable`: its commit must reach the disk before it resolves (an ingest:
 * a 202 promises the event survives a power cut), so it waits for the WAL's next sync. Non-durable
 * ops (claims, outcomes of sends, lease renewals) resolve once committed; the next sync carries them
 * to the disk, as the WAL is written in order. What a power cut can lose of those is an outcome —
 * its delivery is then sent again after the restart (at least once, as a crash mid-send already
 * gives) — never an accepted event. A process crash loses nothing either way: the WAL is in the
 * OS's cache.
 */
type Op = { run: () => unknown; resolve: (v: any) => void; reject: (e: unknown) => void; atomic: boolean; durable: boolean };

/** An op of an optimistic batch failed: the batch is run again, each op isolated. */
class OpFailed extends Error {
  constructor(readonly original: unknown) {
    super('an operation of the batch failed');
  }
}

const UNCLAIM = 'claim = NULL, locked_by = NULL, lease_until = NULL';

/**
 * The condition of the partial index deliveries_state (schema.ts, V5): pending deliveries are not in
 * it. SQLite uses a partial index only for a query that states its condition, so every query that
 * finds deliveries by another state repeats it.
 */
const NOT_PENDING = "state <> 'pending'";

/** The deliveries `d` of the event `e`: a range of ids, read through the table's own key. */
const OF_EVENT = 'd.id BETWEEN e.first_delivery AND e.last_delivery AND d.event_id = e.id';

/** The most deliveries one INSERT writes (an event to more targets takes several), 12 values each. */
const DELIVERIES_PER_INSERT = 32;

/** How long a write waits for another process's lock before it fails as the store being unavailable. */
const LOCK_WAIT_MS = 5000;

/**
 * How many deliveries the store holds, without counting them: AUTOINCREMENT used every id up to
 * sqlite_sequence's once, and the trigger deliveries_deleted counts those deleted (schema.ts, V5).
 * Exported for the test of the plans of the store's reads.
 */
export const STORED = "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'deliveries'), 0) - (SELECT n FROM tallies WHERE name = 'deliveries_deleted')";



export class SqliteStore implements Store {
  private queue: Op[] = [];
  private scheduled = false;
  private readonly stmts;
  /** runOps as a transaction, made once: better-sqlite3 builds a transaction function's wrappers anew at each call of db.transaction. */
  private readonly runBatch;

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    readonly instance: string,
    /** Undefined for an in-memory database: there is no disk to wait for. */
    private readonly wal: WalSync | undefined,
  ) {
    this.stmts = {
      findDup: db.prepare('SELECT id, answer FROM events WHERE source = ? AND dedup_key = ?'),
      insEvent: db.prepare(
        'INSERT INTO events (id, source, dedup_key, event, level, title, notice, answer, created_at, first_delivery, last_delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      savepoint: db.prepare('SAVEPOINT op'),
      release: db.prepare('RELEASE op'),
      rollbackTo: db.prepare('ROLLBACK TO op'),
      // The bots with open work, found by skipping through the partial index (bot, chat, id) one bot
      // at a time.
      // (Two queries rather than a row-value `(bot, chat) > (?, ?)`, which SQLite does not seek with.)
      firstLane: db.prepare("SELECT bot, chat, id FROM deliveries INDEXED BY deliveries_open WHERE state IN ('pending', 'sending') ORDER BY bot, chat, id LIMIT 1"),
      nextBot: db.prepare(
        "SELECT bot, chat, id FROM deliveries INDEXED BY deliveries_open WHERE state IN ('pending', 'sending') AND bot > ? ORDER BY bot, chat, id LIMIT 1",
      ),
      // Lanes (schema.ts): a new delivery opens its chat's lane, or waits behind the head it has.
      laneOpen: db.prepare('INSERT INTO lanes (bot, chat, head_id, next_at) VALUES (?, ?, ?, ?) ON CONFLICT (bot, chat) DO NOTHING'),
      // After a delivery of the lane changed state: its head again, one seek in deliveries_open.
      laneHead: db.prepare("SELECT id, state, next_at FROM deliveries INDEXED BY deliveries_open WHERE bot = ? AND chat = ? AND state IN ('pending', 'sending') ORDER BY id LIMIT 1"),
      laneSet: db.prepare('INSERT INTO lanes (bot, chat, head_id, next_at) VALUES (?, ?, ?, ?) ON CONFLICT (bot, chat) DO UPDATE SET head_id = excluded.head_id, next_at = excluded.next_at'),
      laneClose: db.prepare('DELETE FROM lanes WHERE bot = ? AND chat = ?'),
      // The due heads of one bot, soonest first: only lanes that are due are read, and only heads
      // a completed WAL sync covers (see claimDue).
      laneDue: db.prepare('SELECT chat, head_id, next_at FROM lanes WHERE bot = ? AND next_at <= ? AND head_id <= ? ORDER BY next_at, head_id LIMIT ?'),
      maxDelivery: db.prepare('SELECT MAX(id) FROM deliveries').pluck(),
      laneBlock: db.prepare('UPDATE lanes SET next_at = NULL WHERE bot = ? AND chat = ? AND head_id = ? AND next_at IS NOT NULL'),
      claim: db.prepare("UPDATE deliveries SET state = 'sending', claim = ?, locked_by = ?, lease_until = ?, updated_at = ? WHERE id = ? AND state = 'pending' RETURNING *"),
      notice: db.prepare('SELECT notice FROM events WHERE id = ?').pluck(),
      // Outcomes are guarded by the claim token: a claim that expired and was taken again is not ours.
      sent: db.prepare(`UPDATE deliveries SET state = 'sent', attempts = attempts + 1, last_error = NULL, ${UNCLAIM}, updated_at = ? WHERE id = ? AND claim = ? AND state = 'sending' RETURNING bot, chat`),
      retry: db.prepare(`UPDATE deliveries SET state = 'pending', attempts = attempts + ?, next_at = ?, last_error = ?, ${UNCLAIM}, updated_at = ? WHERE id = ? AND claim = ? AND state = 'sending' RETURNING bot, chat`),
      dead: db.prepare(`UPDATE deliveries SET state = 'dead', attempts = attempts + 1, last_error = ?, ${UNCLAIM}, updated_at = ? WHERE id = ? AND claim = ? AND state = 'sending' RETURNING bot, chat`),
      renew: db.prepare(`UPDATE deliveries SET lease_until = ? WHERE claim = ? AND state = 'sending' AND ${NOT_PENDING}`),
      releaseExpired: db.prepare(`UPDATE deliveries SET state = 'pending', ${UNCLAIM}, updated_at = ? WHERE state = 'sending' AND ${NOT_PENDING} AND (lease_until IS NULL OR lease_until < ?) RETURNING bot, chat`),
      releaseOf: db.prepare(`UPDATE deliveries SET state = 'pending', ${UNCLAIM}, updated_at = ? WHERE state = 'sending' AND ${NOT_PENDING} AND locked_by = ? RETURNING bot, chat`),
      acquire: db.prepare(
        `INSERT INTO bot_owners (bot, owner, since, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (bot) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
           since = CASE WHEN bot_owners.owner = excluded.owner THEN bot_owners.since ELSE excluded.since END
         WHERE bot_owners.expires_at < excluded.since OR bot_owners.owner = excluded.owner`,
      ),
      ownerOf: db.prepare('SELECT owner FROM bot_owners WHERE bot = ?'),
      take: db.prepare('UPDATE bot_owners SET owner = ?, since = ?, expires_at = ? WHERE bot = ? AND owner = ?'),
      releaseBot: db.prepare('DELETE FROM bot_owners WHERE bot = ? AND owner = ?'),
      insCapture: db.prepare('INSERT INTO captures (source, at, headers, query, body, outcome) VALUES (?, ?, ?, ?, ?, ?)'),
      trimCaptures: db.prepare('DELETE FROM captures WHERE source = ? AND id NOT IN (SELECT id FROM captures WHERE source = ? ORDER BY id DESC LIMIT ?)'),
      // Oldest first through events_created; an event with a delivery still to send is kept. An
      // event's deliveries are the range of ids it holds (schema.ts, V4), read through the table's
      // key (NOT INDEXED: deliveries_state would be chosen, reading every pending delivery per event).
      // An event without a range (written by an older hookbot) is never taken: prune ranges it first.
      prunable: db.prepare(
        `SELECT id, source, created_at AS at, first_delivery AS first, last_delivery AS last FROM events e WHERE created_at < ? AND first_delivery IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deliveries d NOT INDEXED WHERE ${OF_EVENT} AND d.state IN ('pending', 'sending')) ORDER BY created_at LIMIT ?`,
      ),
      delDeliveries: db.prepare('DELETE FROM deliveries WHERE id BETWEEN ? AND ? AND event_id = ?'),
      delEvent: db.prepare('DELETE FROM events WHERE id = ?'),
      pruneAudit: db.prepare('DELETE FROM audit WHERE at < ?'),
      anyUnranged: db.prepare('SELECT 1 FROM events INDEXED BY events_unranged WHERE first_delivery IS NULL LIMIT 1').pluck(),
      // Each source's newest event (schema.ts, V5): set once per group commit, moved back by prune.
      setLast: db.prepare(
        `INSERT INTO source_last (source, event_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT (source) DO UPDATE SET event_id = excluded.event_id, created_at = excluded.created_at
          WHERE (excluded.created_at, excluded.event_id) > (source_last.created_at, source_last.event_id)`,
      ),
      lastEvents: db.prepare('SELECT e.* FROM source_last l JOIN events e ON e.id = l.event_id ORDER BY l.source'),
      lastOfSource: db.prepare('SELECT source, event_id FROM source_last'),
      // The newest event of a source at or before a time: read back from that time through
      // events_created (prune calls it after removing the source's newest, so what is older is
      // mostly gone), then the highest id among those of that time.
      newestAt: db.prepare('SELECT created_at FROM events INDEXED BY events_created WHERE source = ? AND created_at <= ? ORDER BY created_at DESC LIMIT 1').pluck(),
      newestIdAt: db.prepare('SELECT id FROM events INDEXED BY events_created WHERE created_at = ? AND source = ? ORDER BY id DESC LIMIT 1').pluck(),
      setLastTo: db.prepare('UPDATE source_last SET event_id = ?, created_at = ? WHERE source = ?'),
      unsetLast: db.prepare('DELETE FROM source_last WHERE source = ?'),
      // The states other than 'sent', through indexes: what is read grows with them, not with the
      // history of sent deliveries (see STORED). 'open' counts pending and sending.
      countOpen: db.prepare(
        `SELECT state, COUNT(*) AS n FROM deliveries INDEXED BY deliveries_state WHERE state IN ('sending', 'dead', 'muted') AND ${NOT_PENDING} GROUP BY state
         UNION ALL SELECT 'open', COUNT(*) FROM deliveries INDEXED BY deliveries_open WHERE state IN ('pending', 'sending')`,
      ),
      stored: db.prepare(STORED).pluck(),
    };
    this.runBatch = db.transaction((batch: Op[], isolate: boolean, results: { ok: boolean; value: unknown }[]) => this.runOps(batch, isolate, results));
  }

  /** `fsync`: how the WAL and its directory are synced (a test holds or fails it); fdatasync and fsync on libuv's thread pool by default. */
  static open(file: string, opts: { clock?: Clock; instance?: string; fsync?: Fsync } = {}): SqliteStore {
    const inMemory = file === ':memory:';
    if (!inMemory) mkdirSync(dirname(file), { recursive: true });
    let db: Database.Database | undefined;
    let wal: WalSync | undefined;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      // See the top of this file: the WAL's sync after a durable commit is WalSync's.
      // Checkpoints stay SQLite's (every 1000 WAL pages, inside a commit, on the event loop): under
      // load one took 15-45 ms on a busy virtual disk (a sync of the WAL and one of the database
      // around ~4 MB copied), once every few hundred webhooks. 250 pages made them no shorter (the
      // two syncs dominate) and 4000 about twice as long, so the default stays.
      db.pragma('synchronous = NORMAL');
      // Another process's write lock is waited for without blocking the loop (see waitForLock);
      // only the migrations, before anything is served, wait inside SQLite.
      db.pragma(`busy_timeout = ${LOCK_WAIT_MS}`);
      migrateSqlite(db);
      // Events an older hookbot wrote here without their range get it before anything reads them
      // (prune does the same for those written while this one runs).
      rangeUnranged(db);
      db.pragma('busy_timeout = 0');
      // SQLite puts the WAL beside the database's real file (a symbolic link is followed). The
      // read makes sure it has the WAL open, which it keeps until the connection closes.
      db.pragma('user_version');
      // Each sync covers the deliveries committed when it starts (their ids are below MAX(id) then).
      const maxDelivery = db.prepare('SELECT MAX(id) FROM deliveries').pluck();
      if (!inMemory) wal = new WalSync(realpathSync(file) + '-wal', opts.fsync, () => store.synced(), () => (maxDelivery.get() as number | null) ?? 0);
    } catch (e) {
      db?.close();
      throw new StoreUnavailable(`cannot open the SQLite store at ${file}: ${(e as Error).message}`, { cause: e });
    }
    const store = new SqliteStore(db, opts.clock ?? systemClock, opts.instance ?? 'local', wal);
    return store;
  }

  /**
   * Runs `run` in the next group commit: everything queued in this turn of the event loop (ingests,
   * acks) shares one transaction and so one fsync. One failing op does not undo the others (see
   * flush).
   */
  private grouped<T>(run: () => T, atomic = false, durable = true): Promise<T> {
    // After a failed sync nothing more is written (see WalSync.failed).
    if (this.wal?.failed) return Promise.reject(this.wal.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject, atomic, durable });
      // While another process holds the lock, the retry's timer flushes (waitForLock). While the
      // WAL is being synced, a durable op is held back and committed when the sync ends (synced):
      // it would wait for the next sync anyway, and one commit for all that arrived meanwhile
      // writes far fewer WAL pages than one per turn of the event loop (and so fewer checkpoints).
      if (!this.scheduled && !this.lockRetry && !(durable && this.wal?.syncing)) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Commits what is queued now. Reads call it first, so they see every earlier write (committed,
   * maybe not yet synced: what a process crash cannot lose).
   */
  private sync(): void {
    if (this.queue.length) this.flush();
  }

  /** A WAL sync ended: what was held back meanwhile is committed now, for the next sync to cover. */
  private synced(): void {
    if (!this.scheduled && !this.lockRetry && !this.closing) this.flush();
    // A claim passed over deliveries this sync may have made durable: the worker looks again now,
    // not a poll later. (Their webhooks' answers wake it too; this covers work committed by
    // anything else, such as an earlier run's backlog while the sync at open was in flight.)
    if (this.passedOver.upTo && this.wal && this.wal.syncedUpTo >= this.passedOver.upTo) {
      const bots = this.passedOver.bots;
      this.passedOver = { upTo: 0, bots: new Set() };
      for (const b of bots) for (const l of this.workListeners) l(b);
    }
  }
  /** The highest delivery id committed when claims were bounded below it (0: none), and their bots. */
  private passedOver = { upTo: 0, bots: new Set<string>() };
  private readonly workListeners: ((bot: string) => void)[] = [];

  /** Told when a WAL sync made durable deliveries that a claim of this bot had to pass over (see claimDue). */
  onWork(listener: (bot: string) => void): void {
    this.workListeners.push(listener);
  }

  private flush() {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (this.wal?.failed) {
      for (const p of batch) p.reject(this.wal.failed);
      return;
    }
    let results: { ok: boolean; value: unknown }[];
    try {
      // Optimistic first: savepoints cost about a third of an ingest's time, and an op almost never
      // fails on its own. When one does, the whole batch is rolled back and run again with each op
      // in its own savepoint, so the failing op does not undo the others.
      try {
        results = this.commitBatch(batch, false);
      } catch (e) {
        if (!(e instanceof OpFailed)) throw e;
        // The store's own failure (locked, full) would meet every op again, each after the busy
        // timeout: the whole batch fails at once instead.
        if (asStoreError(e.original) !== e.original) throw e.original;
        results = this.commitBatch(batch, true);
      }
    } catch (e) {
      if (this.waitForLock(batch, e)) return;
      const err = new StoreUnavailable(`the store could not commit: ${(e as Error).message}`, { cause: e });
      for (const p of batch) p.reject(err);
      return;
    }
    this.lockedSince = undefined;
    // An op that failed on its own because of the store (locked by another process, disk full) is a
    // store error too: its caller answers 503, not 500. A durable op's answer waits for the WAL's
    // sync; the others have theirs now.
    let synced: Promise<void> | undefined;
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (!r.ok) p.reject(asStoreError(r.value));
      else if (p.durable && this.wal) (synced ??= this.wal.durable()).then(() => p.resolve(r.value), p.reject);
      else p.resolve(r.value);
    });
  }


  /**
   * Another connection holds the write lock (a second hookbot, a CLI command, a backup): SQLite's
   * busy handler would sleep on the event loop, stalling every request, so the store's connection
   * has none and the batch is tried again a little later, first in the queue, for up to
   * LOCK_WAIT_MS; then it fails as the store being unavailable. Returns whether it will be retried.
   */
  private waitForLock(batch: Op[], e: unknown): boolean {
    const code = (e as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || this.closing) return false;
    const now = performance.now();
    this.lockedSince ??= now;
    const waited = now - this.lockedSince;
    if (waited >= LOCK_WAIT_MS) {
      this.lockedSince = undefined;
      return false;
    }
    this.queue = batch.concat(this.queue);
    clearTimeout(this.lockRetry); // a read's flush may have tried meanwhile
    this.lockRetry = setTimeout(
      () => {
        this.lockRetry = undefined;
        this.flush();
      },
      Math.min(100, 5 + waited / 4),
    );
    return true;
  }
  /** When the lock was first found held (a monotonic clock: it bounds a wait, it is not a record's time). */
  private lockedSince?: number;
  private lockRetry?: NodeJS.Timeout;
  private closing = false;

  /** One transaction for the batch. Unless `isolate`, the first failing op aborts it (OpFailed). */
  private commitBatch(batch: Op[], isolate: boolean): { ok: boolean; value: unknown }[] {
    const results: { ok: boolean; value: unknown }[] = [];
    this.seen.clear();
    this.keep.clear();
    this.openedLanes.clear();
    this.newest.clear();
    // Immediate: the write lock is taken first, so a claim in the batch reads lanes no other
    // handle on the file can claim from meanwhile.
    this.runBatch.immediate(batch, isolate, results);
    return results;
  }

  private runOps(batch: Op[], isolate: boolean, results: { ok: boolean; value: unknown }[]): void {
    for (const op of batch) {
      if (!isolate) {
        try {
          results.push({ ok: true, value: op.run() });
        } catch (e) {
          throw new OpFailed(e);
        }
        continue;
      }
      // One statement is atomic by itself; several (an ingest) get a savepoint.
      if (op.atomic) this.stmts.savepoint.run();
      const newest = new Map(this.newest);
      try {
        results.push({ ok: true, value: op.run() });
        if (op.atomic) this.stmts.release.run();
      } catch (e) {
        if (op.atomic) {
          this.stmts.rollbackTo.run();
          this.stmts.release.run();
        }
        // What it wrote is undone: the lanes it opened, the answer it gave its dedup key (a
        // repeat later in the batch finds an earlier op's event through findDup instead), the
        // newest event it was of its source.
        this.openedLanes.clear();
        this.seen.clear();
        this.newest = newest;
        results.push({ ok: false, value: e });
      }
    }
    for (const [source, n] of this.keep) this.stmts.trimCaptures.run(source, source, n);
    for (const [source, e] of this.newest) this.stmts.setLast.run(source, e.id, e.at);
  }

  // Per flush: duplicates inside one batch must also get the first answer; captures trimmed once.
  private readonly seen = new Map<string, IngestAnswer>();
  private readonly keep = new Map<string, number>();
  /** Per transaction: the lanes (bot \0 chat) an ingest of it opened or found open (see openLane). */
  private readonly openedLanes = new Set<string>();
  /** Per transaction: each source's newest event written, for source_last (one statement per source and batch). */
  private newest = new Map<string, { id: string; at: number }>();

  ingest(req: IngestRequest): Promise<IngestAnswer> {
    return this.grouped(() => {
      const answer = this.ingestOne(req, this.clock.now(), this.seen);
      if (req.capture && !answer.duplicate) {
        const c = req.capture;
        this.stmts.insCapture.run(c.source, c.at, JSON.stringify(c.headers), JSON.stringify(c.query), c.body, c.outcome);
        this.keep.set(c.source, c.keep);
      }
      return answer;
    }, true);
  }

  private ingestOne(req: IngestRequest, now: number, seen: Map<string, IngestAnswer>): IngestAnswer {
    if (req.dedupKey) {
      const k = req.source + '\0' + req.dedupKey;
      const inBatch = seen.get(k);
      if (inBatch) return { ...inBatch, duplicate: true };
      const dup = this.stmts.findDup.get(req.source, req.dedupKey) as { id: string; answer: string } | undefined;
      if (dup) return { ...JSON.parse(dup.answer), duplicate: true };
    }
    const id = req.id;
    // The notice is the caller's own copy: given its id in place rather than spread into a new
    // object, which on Node 20's V8 costs microseconds per ingest.
    const notice = req.notice as Notice;
    notice.id = id;
    // Deliveries first, so the event row is written once, with its answer (ids are known by then).
    const ds = req.deliveries;
    const deliveries: IngestAnswer['deliveries'] = [];
    let first: number | null = null;
    let last: number | null = null;
    for (let from = 0; from < ds.length; from += DELIVERIES_PER_INSERT) {
      const to = Math.min(ds.length, from + DELIVERIES_PER_INSERT);
      const values: unknown[] = [];
      for (let i = from; i < to; i++) {
        const d = ds[i]!;
        values.push(id, d.bot, d.chat, d.thread ?? null, d.kind, d.target, d.silent ? 1 : 0, d.muted ? 'muted' : 'pending', now, d.muted ? `muted by ${d.muted}` : null, now, now);
      }
      // The rows of one INSERT get consecutive ids in the order of its VALUES (AUTOINCREMENT: each
      // id is one more than the largest ever given), so the last one's id gives all of them.
      const end = Number(this.insertDeliveries(to - from).run(...values).lastInsertRowid);
      for (let i = from; i < to; i++) {
        const d = ds[i]!;
        const did = end - (to - 1 - i);
        if (!d.muted) this.openLane(d.bot, d.chat, did, now);
        deliveries.push({ id: did, target: d.target, state: d.muted ? 'muted' : 'pending' });
      }
      first ??= end - (to - 1 - from);
      last = end;
    }
    const answer: IngestAnswer = { id, deliveries, duplicate: false };
    // The answer is kept for a repeat, which only an event with a dedup key can have (findDup).
    // No deliveries: the empty range 1..0 (NULL is an older hookbot's event, see schema.ts).
    this.stmts.insEvent.run(id, req.source, req.dedupKey ?? null, notice.event, notice.level, notice.title ?? null, JSON.stringify(notice), req.dedupKey ? JSON.stringify({ id, deliveries }) : '', now, first ?? 1, last ?? 0);
    const n = this.newest.get(req.source);
    if (!n || now > n.at || (now === n.at && id > n.id)) this.newest.set(req.source, { id, at: now });
    if (req.dedupKey) seen.set(req.source + '\0' + req.dedupKey, answer);
    return answer;
  }

  /**
   * Claims lane heads that are due. The claim joins the group commit, after the ops queued before
   * it (a worker's outcomes and its next claim arrive together: one transaction for both), and the
   * group commit's transaction is immediate, so another handle on the file cannot claim the same
   * heads meanwhile. A crash leaves a `sending` row with its holder and lease to recover. Only the
   * due heads are read (lanes_due), however long the backlog behind them.
   * A claim needs no fsync of its own (see Op): the next fsync'd commit makes it durable with it,
   * as the WAL is written in order. A claim lost to a power cut only leaves its delivery pending,
   * which is what a crash before the claim would have left.
   * Only deliveries a completed sync covers are claimed: one committed but not yet synced could be
   * sent and then lost to a power cut with its event, whose webhook was never answered 202 (the
   * sender, retrying, would have it sent twice). Delivery ids grow, so the bound is an id.
   */
  async claimDue(now: number, limit: number, bots: readonly string[], leaseMs = CLAIM_LEASE_MS): Promise<Claimed[]> {
    if (limit <= 0) return [];
    const claimed = await this.grouped(() => this.claimHeads(now, limit, bots, now + leaseMs), true, false);
    // What was passed over is synced soon, once committed (a sync reads what it covers as it
    // starts): usually the sync of the webhooks that wrote it is already under way, but another
    // process's commits are synced only by a sync of ours.
    if (this.passedOver.upTo) this.wal?.cover(this.passedOver.upTo);
    return claimed;
  }

  private claimHeads(now: number, limit: number, bots: readonly string[], leaseUntil: number): Claimed[] {
    type Head = { bot: string; chat: string; head_id: number; next_at: number };
    let synced = Number.MAX_SAFE_INTEGER;
    if (this.wal) {
      synced = this.wal.syncedUpTo;
      const committed = (this.stmts.maxDelivery.get() as number | null) ?? 0;
      if (committed > synced) {
        this.passedOver.upTo = Math.max(this.passedOver.upTo, committed);
        for (const b of bots) this.passedOver.bots.add(b);
      }
    }
    const due: Head[] = [];
    for (const bot of new Set(bots)) for (const h of this.stmts.laneDue.all(bot, now, synced, limit) as Head[]) due.push({ ...h, bot });
    due.sort((a, b) => a.next_at - b.next_at || a.head_id - b.head_id);
    // An event's deliveries to several chats are often claimed together: its notice is read once.
    const notices = new Map<string, Notice | undefined>();
    const out: Claimed[] = [];
    for (const h of due.slice(0, limit)) {
      const claim = randomUUID();
      const r = this.stmts.claim.get(claim, this.instance, leaseUntil, now, h.head_id) as any;
      if (!r) continue;
      this.stmts.laneBlock.run(h.bot, h.chat, h.head_id);
      const d: Claimed = { ...rowToDelivery(r), claim, leaseUntil };
      if (!notices.has(d.eventId)) notices.set(d.eventId, this.readNotice(d.eventId));
      const notice = notices.get(d.eventId);
      if (notice) d.notice = notice;
      out.push(d);
    }
    return out;
  }

  /**
   * The INSERT of `n` deliveries in one statement (prepared once for each n): one call into SQLite
   * and one result for an event's deliveries, rather than one each (~2 µs per delivery saved).
   * OR FAIL: a row that breaks a constraint stops the statement without undoing the rows before it,
   * so SQLite keeps no statement journal (a copy of each page the statement changes, as much again
   * as the inserts' own work); those rows are undone with the op anyway (commitBatch).
   */
  private insertDeliveries(n: number): Database.Statement {
    let st = this.insDeliveries[n];
    if (!st) {
      const row = '(?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)';
      st = this.insDeliveries[n] = this.db.prepare(
        `INSERT OR FAIL INTO deliveries (event_id, bot, chat, thread, kind, target, silent, state, attempts, next_at, last_error, created_at, updated_at) VALUES ${new Array(n).fill(row).join(', ')}`,
      );
    }
    return st;
  }
  private readonly insDeliveries: Database.Statement[] = [];

  /**
   * A new pending delivery of (bot, chat): opens the chat's lane with it as the head, or leaves the
   * lane as it is (its head is older). A lane this transaction opened already has an older head, so
   * the statement is skipped: webhooks of one batch mostly name the same chats.
   */
  private openLane(bot: string, chat: string, id: number, now: number): void {
    const k = bot + '\0' + chat;
    if (this.openedLanes.has(k)) return;
    this.stmts.laneOpen.run(bot, chat, id, now);
    this.openedLanes.add(k);
  }

  /** The lane of (bot, chat) after one of its deliveries changed state: its head now, or closed. */
  private refreshLane(bot: string, chat: string): void {
    // Closed or moved on: the next delivery of this chat in the transaction runs laneOpen again.
    this.openedLanes.delete(bot + '\0' + chat);
    const h = this.stmts.laneHead.get(bot, chat) as { id: number; state: string; next_at: number } | undefined;
    if (h) this.stmts.laneSet.run(bot, chat, h.id, h.state === 'pending' ? h.next_at : null);
    else this.stmts.laneClose.run(bot, chat);
  }

  private refreshLanes(rows: readonly { bot: string; chat: string }[]): void {
    const seen = new Set<string>();
    for (const r of rows) {
      const k = r.bot + '\0' + r.chat;
      if (seen.has(k)) continue;
      seen.add(k);
      this.refreshLane(r.bot, r.chat);
    }
  }

  /** Records an outcome (a statement RETURNING bot, chat) and moves its lane on; false if the claim was not ours. */
  private outcome(row: unknown): boolean {
    if (!row) return false;
    const r = row as { bot: string; chat: string };
    this.refreshLane(r.bot, r.chat);
    return true;
  }

  // Acks join the group commit, and need no fsync of their own (see Op): a worker finishing many
  // sends pays none, where it paid one per commit.
  async markSent(c: ClaimRef, now: number): Promise<boolean> {
    return this.grouped(() => this.outcome(this.stmts.sent.get(now, c.id, c.claim)), true, false);
  }
  async markRetry(c: ClaimRef, nextAt: number, error: string | undefined, now: number, countAttempt = true): Promise<boolean> {
    return this.grouped(() => this.outcome(this.stmts.retry.get(countAttempt ? 1 : 0, nextAt, error ?? null, now, c.id, c.claim)), true, false);
  }
  async markDead(c: ClaimRef, reason: string, now: number): Promise<boolean> {
    return this.grouped(() => this.outcome(this.stmts.dead.get(reason, now, c.id, c.claim)), true, false);
  }
  async renewClaims(claims: readonly string[], leaseUntil: number): Promise<number> {
    return this.grouped(() => claims.reduce((n, c) => n + this.stmts.renew.run(leaseUntil, c).changes, 0), false, false);
  }
  async releaseClaims(now: number, opts: { own?: boolean; deadOwners?: readonly string[] } = {}): Promise<number> {
    return this.grouped(() => {
      const rows = this.stmts.releaseExpired.all(now, now) as { bot: string; chat: string }[];
      for (const o of [...(opts.own ? [this.instance] : []), ...(opts.deadOwners ?? [])]) rows.push(...(this.stmts.releaseOf.all(now, o) as { bot: string; chat: string }[]));
      this.refreshLanes(rows);
      return rows.length;
    }, true);
  }
  async openBots(): Promise<string[]> {
    this.sync();
    const out: string[] = [];
    for (let r = this.stmts.firstLane.get() as { bot: string } | undefined; r; r = this.stmts.nextBot.get(r.bot) as { bot: string } | undefined) out.push(r.bot);
    return out;
  }
  async recentSends(bot: string, since: number): Promise<RecentSend[]> {
    this.sync();
    // Through deliveries_state (state, updated_at): only the rows of the window are read.
    return (
      this.db
        .prepare(
          `SELECT chat, kind, updated_at AS at FROM deliveries WHERE state = 'sent' AND ${NOT_PENDING} AND updated_at >= ? AND bot = ?
           UNION ALL SELECT chat, kind, updated_at AS at FROM deliveries WHERE state = 'sending' AND ${NOT_PENDING} AND locked_by <> ? AND bot = ?
           ORDER BY at`,
        )
        .all(since, bot, this.instance, bot) as RecentSend[]
    );
  }
  async claimHolders(): Promise<string[]> {
    this.sync();
    return (this.db.prepare(`SELECT DISTINCT locked_by FROM deliveries WHERE state = 'sending' AND ${NOT_PENDING} AND locked_by IS NOT NULL`).all() as any[]).map((r) => r.locked_by);
  }

  async acquireBots(bots: readonly string[], now: number, leaseUntil: number): Promise<string[]> {
    return this.grouped(() =>
      bots.filter((b) => {
        this.stmts.acquire.run(b, this.instance, now, leaseUntil);
        return (this.stmts.ownerOf.get(b) as { owner: string } | undefined)?.owner === this.instance;
      }),
    );
  }
  async releaseBots(bots: readonly string[]): Promise<void> {
    await this.grouped(() => bots.forEach((b) => this.stmts.releaseBot.run(b, this.instance)));
  }
  async takeBot(bot: string, deadOwner: string, now: number, leaseUntil: number): Promise<boolean> {
    return this.grouped(() => this.stmts.take.run(this.instance, now, leaseUntil, bot, deadOwner).changes === 1);
  }
  async botOwners(): Promise<BotOwner[]> {
    this.sync();
    return (this.db.prepare('SELECT * FROM bot_owners ORDER BY bot').all() as any[]).map((r) => ({ bot: r.bot, owner: r.owner, since: r.since, expiresAt: r.expires_at }));
  }

  async getNotice(eventId: string): Promise<Notice | undefined> {
    this.sync();
    return this.readNotice(eventId);
  }
  private readNotice(eventId: string): Notice | undefined {
    const json = this.stmts.notice.get(eventId) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as Notice);
  }
  async getDelivery(id: number): Promise<Delivery | undefined> {
    this.sync();
    const r = this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id);
    return r ? rowToDelivery(r) : undefined;
  }
  async countByState(): Promise<Record<DeliveryState, number>> {
    this.sync();
    const out = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
    // Sending, dead and muted through deliveries_state, pending and sending through
    // deliveries_open; sent (most of a big store) is what else the store holds.
    let others = 0;
    for (const r of this.stmts.countOpen.all() as { state: DeliveryState | 'open'; n: number }[]) {
      if (r.state === 'open') out.pending = r.n;
      else out[r.state] = r.n;
      if (r.state !== 'sending') others += r.n;
    }
    out.pending -= out.sending;
    out.sent = (this.stmts.stored.get() as number) - others;
    return out;
  }
  async lastEventPerSource(): Promise<EventSummary[]> {
    this.sync();
    return this.stmts.lastEvents.all().map(rowToSummary);
  }
  async recentEvents(n: number): Promise<EventSummary[]> {
    this.sync();
    return this.db.prepare('SELECT * FROM events ORDER BY created_at DESC, id DESC LIMIT ?').all(n).map(rowToSummary);
  }
  async deliveriesOf(eventId: string): Promise<Delivery[]> {
    this.sync();
    return this.db.prepare(`SELECT d.* FROM events e JOIN deliveries d ON ${OF_EVENT} WHERE e.id = ? ORDER BY d.id`).all(eventId).map(rowToDelivery);
  }
  async failed(n: number): Promise<Delivery[]> {
    this.sync();
    return this.db.prepare(`SELECT * FROM deliveries WHERE state = 'dead' AND ${NOT_PENDING} ORDER BY updated_at DESC, id DESC LIMIT ?`).all(n).map(rowToDelivery);
  }
  async retry(idOrAll: number | 'all', now: number): Promise<number> {
    const sql = `UPDATE deliveries SET state = 'pending', next_at = ?, attempts = 0, updated_at = ? WHERE state = 'dead' AND ${NOT_PENDING}`;
    return this.grouped(() => {
      const rows = (idOrAll === 'all' ? this.db.prepare(sql + ' RETURNING bot, chat').all(now, now) : this.db.prepare(sql + ' AND id = ? RETURNING bot, chat').all(now, now, idOrAll)) as { bot: string; chat: string }[];
      // A retried delivery may be older than its chat's head: it becomes the head.
      this.refreshLanes(rows);
      return rows.length;
    }, true);
  }

  // Every write joins the group commit, so it waits for another process's lock without blocking
  // the event loop, and for the WAL's sync as an ingest does.
  async addMute(m: Omit<Mute, 'id'>): Promise<Mute> {
    return this.grouped(() => {
      const r = this.db.prepare('INSERT INTO mutes (pattern, until, by, created_at) VALUES (?, ?, ?, ?)').run(m.pattern, m.until, m.by, m.createdAt);
      return { ...m, id: Number(r.lastInsertRowid) };
    });
  }
  async removeMutes(pattern: string): Promise<number> {
    return this.grouped(() => (pattern === 'all' ? this.db.prepare('DELETE FROM mutes').run().changes : this.db.prepare('DELETE FROM mutes WHERE pattern = ?').run(pattern).changes));
  }
  async activeMutes(now: number): Promise<Mute[]> {
    this.sync();
    return (this.db.prepare('SELECT * FROM mutes WHERE until > ? ORDER BY until').all(now) as any[]).map((r) => ({
      id: r.id,
      pattern: r.pattern,
      until: r.until,
      by: r.by,
      createdAt: r.created_at,
    }));
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.grouped(() =>
      this.db
        .prepare('INSERT INTO audit (at, bot, user, chat, command, args, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(e.at, e.bot, e.user, e.chat, e.command, e.args, e.outcome, e.detail ?? null),
    );
  }
  async auditLog(n: number): Promise<AuditEntry[]> {
    this.sync();
    return (this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(n) as any[]).map(rowToAudit);
  }

  async capture(c: Omit<Capture, 'id'>, keep: number): Promise<void> {
    if (keep <= 0) return;
    // Not durable (no wait for a sync): a captured payload is a debugging aid, and a power cut
    // losing the last one costs nothing else.
    await this.grouped(() => {
      this.stmts.insCapture.run(c.source, c.at, JSON.stringify(c.headers), JSON.stringify(c.query), c.body, c.outcome);
      this.stmts.trimCaptures.run(c.source, c.source, keep);
    }, true, false);
  }
  async captures(source: string, n: number): Promise<Capture[]> {
    this.sync();
    return (this.db.prepare('SELECT * FROM captures WHERE source = ? ORDER BY id DESC LIMIT ?').all(source, n) as any[]).map(rowToCapture);
  }

  async setChatMove(bot: string, from: string, to: string): Promise<void> {
    await this.grouped(() => {
      this.db.prepare('INSERT OR REPLACE INTO chat_moves (bot, from_chat, to_chat) VALUES (?, ?, ?)').run(bot, from, to);
      // Deliveries already queued for the old chat follow it too, and the two lanes become one.
      this.db.prepare("UPDATE deliveries SET chat = ? WHERE bot = ? AND chat = ? AND state IN ('pending', 'sending')").run(to, bot, from);
      this.refreshLanes([{ bot, chat: from }, { bot, chat: to }]);
    }, true);
  }
  async chatMoves(bot: string): Promise<Record<string, string>> {
    this.sync();
    const rows = this.db.prepare('SELECT from_chat, to_chat FROM chat_moves WHERE bot = ?').all(bot) as any[];
    return Object.fromEntries(rows.map((r) => [r.from_chat, r.to_chat]));
  }

  async prune(before: number, limit: number): Promise<number> {
    return this.grouped(() => {
      // An older hookbot on this file wrote events without their range: they get it first, so that
      // an event is never taken for finished while deliveries of its are still to be sent.
      if (this.stmts.anyUnranged.get()) this.db.exec(SOURCE_LAST_OF_UNRANGED + RANGE_UNRANGED);
      const events = this.stmts.prunable.all(before, limit) as { id: string; source: string; at: number; first: number; last: number }[];
      const newest = new Set((this.stmts.lastOfSource.all() as { source: string; event_id: string }[]).map((r) => r.event_id));
      for (const e of events) {
        this.stmts.delDeliveries.run(e.first, e.last, e.id);
        this.stmts.delEvent.run(e.id);
      }
      // A source whose newest event went: its newest now is older still (or it has none left).
      for (const e of events) {
        if (!newest.has(e.id)) continue;
        const at = this.stmts.newestAt.get(e.source, e.at) as number | undefined;
        if (at === undefined) this.stmts.unsetLast.run(e.source);
        else this.stmts.setLastTo.run(this.stmts.newestIdAt.get(at, e.source), at, e.source);
      }
      this.stmts.pruneAudit.run(before);
      return events.length;
    }, true);
  }

  /** Commits what is queued, waits for the WAL's sync in flight (the answers it holds), then closes. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.lockRetry);
    this.lockRetry = undefined;
    if (this.queue.length) this.flush();
    await this.wal?.close();
    this.db.close();
  }
}

// Every public method: the store's own failures (locked by another process, disk full, closed)
// reach the caller as StoreUnavailable, whichever statement met them; a bad row stays itself.
for (const name of Object.getOwnPropertyNames(SqliteStore.prototype)) {
  const m = (SqliteStore.prototype as any)[name];
  if (name === 'constructor' || typeof m !== 'function' || m.constructor.name !== 'AsyncFunction') continue;
  (SqliteStore.prototype as any)[name] = async function (this: SqliteStore, ...args: unknown[]) {
    try {
      return await m.apply(this, args);
    } catch (e) {
      throw asStoreError(e);
    }
  };
}

function rangeUnranged(db: Database.Database): void {
  if (!db.prepare('SELECT 1 FROM events INDEXED BY events_unranged WHERE first_delivery IS NULL LIMIT 1').get()) return;
  db.transaction(() => db.exec(SOURCE_LAST_OF_UNRANGED + RANGE_UNRANGED)).immediate();
}

/** Applies the migrations this file has not had yet (PRAGMA user_version counts them). */
export function migrateSqlite(db: Database.Database): void {
  const have = db.pragma('user_version', { simple: true }) as number;
  // A newer hookbot's store: what this one would write there (without the newer columns, tables
  // and bookkeeping) could break what the newer one relies on, such as what prune may remove.
  if (have > MIGRATIONS.length)
    throw new Error(
      `its schema is version ${have}, and this hookbot knows versions up to ${MIGRATIONS.length}: a newer hookbot upgraded it. Run that version (or a later one), or give this one a store of its own (store.sqlite)`,
    );
  // A store made before migrations were counted has every table of the first.
  for (let v = have; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(v === 0 ? MIGRATIONS[0]! : MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

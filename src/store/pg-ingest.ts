// Group commit for PostgreSQL: ingests that arrive together are stored by one statement (INGEST_SQL),
// which is a transaction of its own: events, deliveries with ids from the sequence, their chats'
// lanes, the captured payloads and the NOTIFY that wakes the owners of their bots, in one round
// trip. Up to MAX_IN_FLIGHT such commits run at once on separate connections, so that the next
// batch is read and written while the previous one commits (commits that share chats still wait
// for each other at those chats' lanes).
// A batch that fails because of one request is run again one request a statement, so a bad request
// never undoes the others; one that fails because of the store fails whole (503 for all), never
// half-stored.
import type pg from 'pg';
import type { Clock } from '../clock.js';
import type { Notice } from '../notice.js';
import { asPgStoreError } from './pg-errors.js';
import type { DeliveryState, IngestAnswer, IngestRequest } from './store.js';

type Pending = { req: IngestRequest; resolve: (a: IngestAnswer) => void; reject: (e: unknown) => void };

/** Requests in one statement at most. */
const MAX_BATCH = 500;
/** Commits under way at once: two keep both the event loop and the database busy. */
const MAX_IN_FLIGHT = 2;

/**
 * $1 the events, $2 their deliveries, $3 their captures (JSON arrays, see commit), $4 now.
 *
 * Delivery ids come from the sequence as the batch is read, so each event's answer (stored for its
 * repeats) is written with the event. Events are inserted in (source, dedup_key) order and lanes
 * in (bot, chat) order, so that two commits under way at once take their locks in the same order.
 * A delivery's lane gets it as head if it had none; ids come from a sequence, so another commit may
 * land with a lower id after ours: the lower one becomes the head unless the head is already being
 * sent. A repeat of an event stored (or being stored) by another commit inserts nothing; its answer
 * is read afterwards. Captured payloads are trimmed to the newest `keep` of their source: the
 * statement sees the table as it was before it, so only that many of the new ones are inserted and
 * the old ones are trimmed to make room; rows another commit is trimming are left to it (SKIP
 * LOCKED), so that no commit waits for another while it holds its lanes. NOTIFY is delivered only
 * after the commit.
 */
const INGEST_SQL = `WITH ev_in AS (
   SELECT * FROM json_to_recordset($1::json) AS t(id text, source text, dedup text, event text, level text, title text, notice json)),
 dl_in AS (
   SELECT nextval('deliveries_id_seq') AS id, t.* FROM json_to_recordset($2::json) AS t(k int, e text, bot text, chat text, thread text, kind text, target text, silent boolean, muted text)),
 answers AS (
   SELECT e, json_agg(id ORDER BY k) AS ids,
          json_agg(json_build_object('id', id, 'target', target, 'state', CASE WHEN muted IS NULL THEN 'pending' ELSE 'muted' END) ORDER BY k) AS deliveries
     FROM dl_in GROUP BY e),
 ev AS (
   INSERT INTO events (id, source, dedup_key, event, level, title, notice, answer, created_at)
   SELECT i.id, i.source, i.dedup, i.event, i.level, i.title, i.notice::text, json_build_object('id', i.id, 'deliveries', coalesce(a.deliveries, '[]'))::text, $4::bigint
     FROM ev_in i LEFT JOIN answers a ON a.e = i.id ORDER BY i.source, i.dedup
   ON CONFLICT (source, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING RETURNING id),
 dl AS (
   INSERT INTO deliveries (id, event_id, bot, chat, thread, kind, target, silent, state, last_error, attempts, next_at, created_at, updated_at)
   SELECT d.id, d.e, d.bot, d.chat, d.thread, d.kind, d.target, d.silent, CASE WHEN d.muted IS NULL THEN 'pending' ELSE 'muted' END, 'muted by ' || d.muted, 0, $4, $4, $4
     FROM dl_in d JOIN ev ON ev.id = d.e
   RETURNING id, bot, chat, state),
 ln AS (
   INSERT INTO lanes (bot, chat, head_id, next_at)
   SELECT bot, chat, min(id), $4::bigint FROM dl WHERE state = 'pending' GROUP BY bot, chat ORDER BY bot, chat
   ON CONFLICT (bot, chat) DO UPDATE SET head_id = excluded.head_id, next_at = excluded.next_at
     WHERE lanes.head_id > excluded.head_id AND lanes.next_at IS NOT NULL),
 cap_in AS (
   SELECT c.*, row_number() OVER (PARTITION BY c.source ORDER BY c.n DESC) AS newest
     FROM json_to_recordset($3::json) AS c(n int, e text, source text, at bigint, headers json, query json, body text, outcome text, keep int) JOIN ev ON ev.id = c.e),
 cap AS (
   INSERT INTO captures (source, at, headers, query, body, outcome)
   SELECT source, at, headers::text, query::text, body, outcome FROM cap_in WHERE newest <= keep ORDER BY n),
 trimmed AS (
   DELETE FROM captures WHERE id IN (
     SELECT c.id FROM captures c JOIN (SELECT source, max(keep) - count(*) FILTER (WHERE newest <= keep) AS room FROM cap_in GROUP BY source) s ON c.source = s.source
      WHERE c.id NOT IN (SELECT id FROM captures o WHERE o.source = s.source ORDER BY id DESC LIMIT greatest(s.room, 0))
      FOR UPDATE OF c SKIP LOCKED))
 SELECT ev.id, a.ids, (SELECT count(pg_notify('hookbot_work', bot)) FROM (SELECT DISTINCT bot FROM dl WHERE state = 'pending') b) AS woken
   FROM ev LEFT JOIN answers a ON a.e = ev.id`;

/**
 * A lone surrogate cannot be stored as text: it becomes U+FFFD (as the driver's UTF-8 encoding did).
 * Nor can U+0000, and PostgreSQL refuses its escape anywhere in a json parameter it reads (even
 * inside a notice that is stored as JSON text): it becomes U+FFFD too.
 */
function wellFormed(_key: string, v: unknown): unknown {
  if (typeof v === 'string') return storable(v);
  // Names too: a captured query's come from the request (?%00=1).
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => storable(k) !== k))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [storable(k), x]));
  return v;
}
function storable(s: string): string {
  return (s as string & { toWellFormed(): string }).toWellFormed().replaceAll('\0', '\ufffd');
}

/** JSON for a json parameter. JSON.stringify writes a lone surrogate or U+0000 as an escape PostgreSQL refuses; the rare text with one is written again without. */
function toJson(rows: unknown[]): string {
  const json = JSON.stringify(rows);
  return json.includes('\\ud') || json.includes('\\u0000') ? JSON.stringify(rows, wellFormed) : json;
}

export class PgGroupCommit {
  private queue: Pending[] = [];
  private scheduled?: Promise<void>;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
  ) {}

  ingest(req: IngestRequest): Promise<IngestAnswer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.schedule();
    });
  }

  /** Waits for the commits under way (close). */
  async idle(): Promise<void> {
    while (this.scheduled || this.running.size) await Promise.all([this.scheduled, ...this.running]);
  }

  private schedule(): void {
    if (this.scheduled || this.running.size >= MAX_IN_FLIGHT || !this.queue.length) return;
    // One turn of the event loop first, so requests arriving together share a commit.
    this.scheduled = new Promise<void>((r) => setImmediate(r)).then(() => {
      this.scheduled = undefined;
      while (this.queue.length && this.running.size < MAX_IN_FLIGHT) {
        const run: Promise<void> = this.run(this.queue.splice(0, MAX_BATCH)).finally(() => {
          this.running.delete(run);
          this.schedule();
        });
        this.running.add(run);
      }
    });
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const answers = await this.commit(batch.map((p) => p.req));
      batch.forEach((p, i) => p.resolve(answers[i]!));
    } catch (e) {
      const err = asPgStoreError(e);
      if (err !== e || batch.length === 1) batch.forEach((p) => p.reject(err));
      else for (const p of batch) await this.commit([p.req]).then((a) => p.resolve(a[0]!), (e2) => p.reject(asPgStoreError(e2)));
    }
  }

  private async commit(reqs: IngestRequest[]): Promise<IngestAnswer[]> {
    const now = this.clock.now();
    // A repeat within the batch gets the first one's answer; only the first is sent.
    const keyOf = (r: IngestRequest) => (r.dedupKey === undefined ? undefined : r.source + '\0' + r.dedupKey);
    const first = new Map<string, number>();
    const events: object[] = [];
    const deliveries: object[] = [];
    const captures: object[] = [];
    reqs.forEach((req, i) => {
      const key = keyOf(req);
      if (key !== undefined) {
        if (first.has(key)) return;
        first.set(key, i);
      }
      const notice = req.notice as Notice;
      notice.id = req.id;
      events.push({ id: req.id, source: req.source, dedup: req.dedupKey ?? null, event: notice.event, level: notice.level, title: notice.title ?? null, notice });
      for (const d of req.deliveries)
        deliveries.push({ k: deliveries.length, e: req.id, bot: d.bot, chat: d.chat, thread: d.thread ?? null, kind: d.kind, target: d.target, silent: d.silent, muted: d.muted ?? null });
      const c = req.capture;
      if (c) captures.push({ n: captures.length, e: req.id, source: c.source, at: c.at, headers: c.headers, query: c.query, body: c.body, outcome: c.outcome, keep: c.keep });
    });
    const ids = new Map<string, number[]>();
    const rows = await this.query<{ id: string; ids: number[] | null }>('hookbot-ingest', INGEST_SQL, [toJson(events), toJson(deliveries), toJson(captures), now]);
    for (const r of rows) ids.set(r.id, r.ids ?? []);
    const answerOf = (r: IngestRequest): IngestAnswer | undefined => {
      const dids = ids.get(r.id);
      return dids && { id: r.id, deliveries: r.deliveries.map((d, j) => ({ id: dids[j]!, target: d.target, state: (d.muted ? 'muted' : 'pending') as DeliveryState })), duplicate: false };
    };
    // Repeats of events stored before (or meanwhile, by another commit) get the stored answer.
    const repeats = reqs.filter((r) => r.dedupKey !== undefined && !ids.has(reqs[first.get(keyOf(r)!)!]!.id));
    const stored = new Map<string, IngestAnswer>();
    if (repeats.length) {
      const found = await this.query<{ source: string; dedup_key: string; answer: string }>(
        'hookbot-ingest-repeats',
        'SELECT source, dedup_key, answer FROM events WHERE (source, dedup_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
        [repeats.map((r) => r.source), repeats.map((r) => r.dedupKey!)],
      );
      for (const r of found) stored.set(r.source + '\0' + r.dedup_key, { ...JSON.parse(r.answer), duplicate: true });
    }
    return reqs.map((r, i) => {
      const key = keyOf(r);
      const firstIndex = key === undefined ? i : first.get(key)!;
      const own = answerOf(reqs[firstIndex]!);
      if (own) return firstIndex === i ? own : { ...own, duplicate: true };
      const repeat = key === undefined ? undefined : stored.get(key);
      if (repeat) return repeat;
      throw new Error(`event ${r.id} was neither stored nor found as a repeat`);
    });
  }

  /**
   * One statement on a pooled connection, prepared once per connection (by name). Through the
   * pool's own query: it listens for the connection's errors while the statement runs (a connection
   * lost then would otherwise be an uncaught error) and drops a connection whose statement failed.
   */
  private async query<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>({ name, text, values })).rows;
  }
}

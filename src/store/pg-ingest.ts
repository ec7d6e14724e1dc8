// Group commit for PostgreSQL: ingests that arrive while a commit is under way wait for the next
// one, which stores all of them in one transaction with one multi-row insert per table (unnest of
// arrays), then wakes the owners of their bots with NOTIFY. Delivery ids are taken from the
// sequence first, so every answer is known before anything is written and the event row is
// written once. A batch that fails because of one request is run again one request a
// transaction, so a bad request never undoes the others; one that fails because of the store
// fails whole (503 for all), never half-stored.
import type pg from 'pg';
import type { Clock } from '../clock.js';
import type { Notice } from '../notice.js';
import { asPgStoreError } from './pg-errors.js';
import type { DeliveryState, IngestAnswer, IngestRequest } from './store.js';

type Pending = { req: IngestRequest; resolve: (a: IngestAnswer) => void; reject: (e: unknown) => void };

export class PgGroupCommit {
  private queue: Pending[] = [];
  private running?: Promise<void>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
  ) {}

  ingest(req: IngestRequest): Promise<IngestAnswer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Waits for the commits under way (close). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // One turn of the event loop first, so requests arriving together share the first commit.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, 500);
        try {
          const answers = await this.commit(batch.map((p) => p.req));
          batch.forEach((p, i) => p.resolve(answers[i]!));
        } catch (e) {
          const err = asPgStoreError(e);
          if (err !== e || batch.length === 1) batch.forEach((p) => p.reject(err));
          else for (const p of batch) await this.commit([p.req]).then((a) => p.resolve(a[0]!), (e2) => p.reject(asPgStoreError(e2)));
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async commit(reqs: IngestRequest[]): Promise<IngestAnswer[]> {
    const now = this.clock.now();
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const total = reqs.reduce((n, r) => n + r.deliveries.length, 0);
      const ids: number[] = total
        ? (await client.query<{ id: string }>("SELECT nextval('deliveries_id_seq') AS id FROM generate_series(1, $1)", [total])).rows.map((r) => Number(r.id))
        : [];
      // A repeat within the batch gets the first one's answer.
      const first = new Map<string, number>();
      const answers: (IngestAnswer | undefined)[] = [];
      const ev = { id: [] as string[], source: [] as string[], dedup: [] as (string | null)[], event: [] as string[], level: [] as string[], title: [] as (string | null)[], notice: [] as string[], answer: [] as string[] };
      const rowsOf = new Map<string, { req: IngestRequest; ids: number[] }>();
      let next = 0;
      reqs.forEach((req, i) => {
        const key = req.dedupKey ? req.source + '\0' + req.dedupKey : undefined;
        if (key && first.has(key)) return;
        if (key) first.set(key, i);
        const notice = req.notice as Notice;
        notice.id = req.id;
        const dids = req.deliveries.map(() => ids[next++]!);
        const deliveries = req.deliveries.map((d, j) => ({ id: dids[j]!, target: d.target, state: (d.muted ? 'muted' : 'pending') as DeliveryState }));
        answers[i] = { id: req.id, deliveries, duplicate: false };
        rowsOf.set(req.id, { req, ids: dids });
        ev.id.push(req.id);
        ev.source.push(req.source);
        ev.dedup.push(req.dedupKey ?? null);
        ev.event.push(notice.event);
        ev.level.push(notice.level);
        ev.title.push(notice.title ?? null);
        ev.notice.push(JSON.stringify(notice));
        ev.answer.push(JSON.stringify({ id: req.id, deliveries }));
      });
      const inserted = new Set(
        (
          await client.query<{ id: string }>(
            `INSERT INTO events (id, source, dedup_key, event, level, title, notice, answer, created_at)
             SELECT *, $9::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             ON CONFLICT (source, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING RETURNING id`,
            [ev.id, ev.source, ev.dedup, ev.event, ev.level, ev.title, ev.notice, ev.answer, now],
          )
        ).rows.map((r) => r.id),
      );
      const d = { id: [] as number[], event: [] as string[], bot: [] as string[], chat: [] as string[], thread: [] as (string | null)[], kind: [] as string[], target: [] as string[], silent: [] as boolean[], state: [] as string[], error: [] as (string | null)[] };
      const bots = new Set<string>();
      const caps = { source: [] as string[], at: [] as number[], headers: [] as string[], query: [] as string[], body: [] as string[], outcome: [] as string[] };
      const keep = new Map<string, number>();
      for (const [eventId, { req, ids: dids }] of rowsOf) {
        if (!inserted.has(eventId)) continue;
        req.deliveries.forEach((x, j) => {
          d.id.push(dids[j]!);
          d.event.push(eventId);
          d.bot.push(x.bot);
          d.chat.push(x.chat);
          d.thread.push(x.thread ?? null);
          d.kind.push(x.kind);
          d.target.push(x.target);
          d.silent.push(x.silent);
          d.state.push(x.muted ? 'muted' : 'pending');
          d.error.push(x.muted ? `muted by ${x.muted}` : null);
          if (!x.muted) bots.add(x.bot);
        });
        if (req.capture) {
          const c = req.capture;
          caps.source.push(c.source);
          caps.at.push(c.at);
          caps.headers.push(JSON.stringify(c.headers));
          caps.query.push(JSON.stringify(c.query));
          caps.body.push(c.body);
          caps.outcome.push(c.outcome);
          keep.set(c.source, c.keep);
        }
      }
      // The deliveries, their chats' lanes and the wake-up of the bots' owners in one statement (one
      // round trip). Each chat's lane gets its head if it had none. Ids come from a sequence, so
      // another commit may land with a lower id after ours: the lower one becomes the head unless
      // the head is already being sent. Lanes in (bot, chat) order, so that two commits lock the
      // lanes they share in the same order. NOTIFY is delivered only after the commit.
      if (d.id.length) {
        const open = d.state.map((st) => st === 'pending');
        await client.query(
          `WITH dl AS (
             INSERT INTO deliveries (id, event_id, bot, chat, thread, kind, target, silent, state, last_error, attempts, next_at, created_at, updated_at)
             SELECT *, 0, $11::bigint, $11::bigint, $11::bigint FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[], $10::text[])),
           ln AS (
             INSERT INTO lanes (bot, chat, head_id, next_at)
             SELECT bot, chat, min(id), $11::bigint FROM unnest($12::text[], $13::text[], $14::bigint[]) AS t(bot, chat, id) GROUP BY bot, chat ORDER BY bot, chat
             ON CONFLICT (bot, chat) DO UPDATE SET head_id = excluded.head_id, next_at = excluded.next_at
               WHERE lanes.head_id > excluded.head_id AND lanes.next_at IS NOT NULL)
           SELECT pg_notify('hookbot_work', b) FROM unnest($15::text[]) b`,
          [
            d.id, d.event, d.bot, d.chat, d.thread, d.kind, d.target, d.silent, d.state, d.error, now,
            d.bot.filter((_, i) => open[i]), d.chat.filter((_, i) => open[i]), d.id.filter((_, i) => open[i]),
            [...bots],
          ],
        );
      }
      if (caps.source.length) {
        await client.query(
          'INSERT INTO captures (source, at, headers, query, body, outcome) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])',
          [caps.source, caps.at, caps.headers, caps.query, caps.body, caps.outcome],
        );
        for (const [source, n] of keep)
          await client.query('DELETE FROM captures WHERE source = $1 AND id NOT IN (SELECT id FROM captures WHERE source = $1 ORDER BY id DESC LIMIT $2)', [source, n]);
      }
      // Repeats of events already stored (or stored meanwhile by another instance) get the first answer.
      const repeats = reqs.map((r, i) => (answers[i] && inserted.has(r.id) ? undefined : r)).filter((r): r is IngestRequest => !!r?.dedupKey);
      const stored = new Map<string, IngestAnswer>();
      if (repeats.length) {
        const rows = await client.query<{ source: string; dedup_key: string; answer: string }>(
          'SELECT source, dedup_key, answer FROM events WHERE (source, dedup_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
          [repeats.map((r) => r.source), repeats.map((r) => r.dedupKey!)],
        );
        for (const r of rows.rows) stored.set(r.source + '\0' + r.dedup_key, { ...JSON.parse(r.answer), duplicate: true });
      }
      await client.query('COMMIT');
      return reqs.map((r, i) => {
        const key = r.dedupKey ? r.source + '\0' + r.dedupKey : undefined;
        if (answers[i] && inserted.has(r.id)) return answers[i]!;
        if (key && stored.has(key)) return stored.get(key)!;
        const firstOf = key ? answers[first.get(key)!] : undefined;
        if (firstOf && inserted.has(firstOf.id)) return { ...firstOf, duplicate: true };
        throw new Error(`event ${r.id} was neither stored nor found as a repeat`);
      });
    } catch (e) {
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release(broken ? true : undefined);
    }
  }
}

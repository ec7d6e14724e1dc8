// EventQuery on SQLite: read-only queries through its own connection (WAL readers never block the
// store's writer).
import Database from 'better-sqlite3';
import type { Capture, EventSummary } from './store.js';
import { rowToCapture } from './rows.js';
import { countAt, emptyActivity, type Activity, type EventFilter, type EventQuery } from './event-query.js';

export class SqliteEventQuery implements EventQuery {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): SqliteEventQuery {
    const db = new Database(file);
    db.pragma('busy_timeout = 5000');
    return new SqliteEventQuery(db);
  }

  async searchEvents(f: EventFilter): Promise<EventSummary[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.source) where.push('source = ?'), args.push(f.source);
    if (f.event) where.push('event = ?'), args.push(f.event);
    if (f.level) where.push('level = ?'), args.push(f.level);
    if (f.before !== undefined) where.push('created_at < ?'), args.push(f.before);
    // instr rather than LIKE: the user's % and _ are not wildcards.
    if (f.text) where.push('(instr(lower(coalesce(title, \'\')), ?) > 0 OR instr(lower(notice), ?) > 0)'), args.push(f.text.toLowerCase(), f.text.toLowerCase());
    const sql = `SELECT id, source, event, level, title, created_at FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as any[]).map((r) => ({ id: r.id, source: r.source, event: r.event, level: r.level, title: r.title ?? undefined, createdAt: r.created_at }));
  }

  async activity(since: number, now: number, bucketMs: number): Promise<Activity> {
    const a = emptyActivity(since, now, bucketMs);
    // Both read an index (events_created; deliveries_state on state, updated_at, which holds no
    // pending delivery and is used only where the query says so): cheap at any backlog.
    const events = this.db.prepare('SELECT (created_at - ?) / ? AS b, count(*) AS n FROM events WHERE created_at >= ? GROUP BY b').all(a.from, bucketMs, a.from) as { b: number; n: number }[];
    const sent = this.db.prepare("SELECT (updated_at - ?) / ? AS b, count(*) AS n FROM deliveries WHERE state = 'sent' AND state <> 'pending' AND updated_at >= ? GROUP BY b").all(a.from, bucketMs, a.from) as { b: number; n: number }[];
    for (const r of events) countAt(a, 'webhooks', a.from + r.b * bucketMs, r.n);
    for (const r of sent) countAt(a, 'sent', a.from + r.b * bucketMs, r.n);
    return a;
  }

  async captureOf(eventId: string): Promise<Capture | undefined> {
    const r = this.db.prepare('SELECT * FROM captures WHERE outcome = ? ORDER BY id DESC LIMIT 1').get(`accepted ${eventId}`);
    return r ? rowToCapture(r) : undefined;
  }

  async capture(id: number): Promise<Capture | undefined> {
    const r = this.db.prepare('SELECT * FROM captures WHERE id = ?').get(id);
    return r ? rowToCapture(r) : undefined;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}


// On a big store the reads of /metrics, `status` and the dashboard (deliveries by state, each
// source's newest event) run on the event loop: they must read through indexes and small tables,
// never every delivery or every event, and still give what counting everything gives.
import type Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { newEventId } from '../../../src/event-id.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { DELIVERY_STATES } from '../../../src/store/store.js';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const internals = (s: SqliteStore) => s as unknown as { db: Database.Database; stmts: Record<string, Database.Statement> };

/** What EXPLAIN QUERY PLAN says of a statement the store prepared: one line per step. */
function plan(s: SqliteStore, name: string): string[] {
  const { db, stmts } = internals(s);
  return (db.prepare('EXPLAIN QUERY PLAN ' + stmts[name]!.source).all() as { detail: string }[]).map((r) => r.detail);
}

/** Counting everything, as the store used to. */
function fullCount(s: SqliteStore) {
  const out = Object.fromEntries(DELIVERY_STATES.map((st) => [st, 0]));
  for (const r of internals(s).db.prepare('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state').all() as { state: string; n: number }[]) out[r.state] = r.n;
  return out;
}
function fullLast(s: SqliteStore) {
  return (
    internals(s)
      .db.prepare('SELECT source, id FROM (SELECT source, id, ROW_NUMBER() OVER (PARTITION BY source ORDER BY created_at DESC, id DESC) k FROM events) WHERE k = 1 ORDER BY source')
      .all() as { source: string; id: string }[]
  ).map((r) => [r.source, r.id]);
}

it('counts deliveries by state and names each source’s newest event without reading every row', async () => {
  const clock = new ManualClock(1_000_000);
  const store = SqliteStore.open(':memory:', { clock });
  stores.push(store);
  const sources = ['alerts', 'backup', 'recorder', 'report'];
  for (let i = 0; i < 6000; i++) {
    if (i % 50 === 0) clock.advance(1000);
    const source = sources[i % 7 === 0 ? 0 : 1 + (i % 3)]!;
    const chats = i % 11 === 0 ? [] : ['a', 'b', 'c'].slice(0, 1 + (i % 3));
    void store.ingest({
      id: newEventId(clock.now()),
      source,
      notice: { source, format: 'report', event: 'e', level: 'info', time: '', text: `${i}`, vars: {} },
      deliveries: chats.map((chat) => ({ bot: 'b', chat: `${chat}${i % 40}`, kind: 'group' as const, target: `b:${chat}`, silent: false, muted: i % 13 === 0 ? 'x' : undefined })),
    });
    if (i % 500 === 499) await store.countByState(); // commits what is queued
  }
  // Most of a big store's deliveries were sent long ago; a few are dead or still to send.
  internals(store).db.exec("UPDATE deliveries SET state = CASE WHEN id % 97 = 0 THEN 'dead' WHEN id % 89 = 0 THEN 'sending' ELSE 'sent' END WHERE state = 'pending' AND id % 83 <> 0");
  expect(await store.countByState()).toEqual(fullCount(store));
  expect((await store.lastEventPerSource()).map((e) => [e.source, e.id])).toEqual(fullLast(store));

  // Prune forgets the oldest finished events, with the newest of the source that went quiet.
  clock.advance(1000);
  internals(store).db.prepare("UPDATE events SET created_at = 0 WHERE source = 'alerts'").run();
  while ((await store.prune(clock.now() - 30_000, 100)) === 100);
  expect(await store.countByState()).toEqual(fullCount(store));
  expect((await store.lastEventPerSource()).map((e) => [e.source, e.id])).toEqual(fullLast(store));
  expect(fullLast(store).length).toBeGreaterThan(1);

  // What the reads run: searches through an index or the key, and scans only of the small tables
  // (source_last: a row per source; sqlite_sequence: one per table) and of deliveries_open, which
  // holds only the deliveries still to send.
  const reads = ['countOpen', 'stored', 'lastEvents'].flatMap((n) => plan(store, n));
  expect(reads.filter((d) => d.startsWith('SCAN')).sort()).toEqual(['SCAN CONSTANT ROW', 'SCAN deliveries USING INDEX deliveries_open', 'SCAN l', 'SCAN sqlite_sequence']);
  expect(plan(store, 'countOpen')).toContainEqual(expect.stringMatching(/^SEARCH deliveries USING COVERING INDEX deliveries_state \(state=\?\)/));
  expect(plan(store, 'lastEvents')).toContainEqual(expect.stringMatching(/^SEARCH e USING INDEX sqlite_autoindex_events_1 \(id=\?\)/));
  expect(internals(store).stmts['lastEvents']!.source).toMatch(/FROM source_last l/);
});

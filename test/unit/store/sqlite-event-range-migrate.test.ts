// A store made before events held the id range of their deliveries upgrades at start: each event is
// given its range, the index on deliveries.event_id goes, and an event's deliveries are still read
// and pruned as its own, even where another event's ids fall inside its range.
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/store/schema.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { storeFile } from './factories.js';

it('upgrades a store of version 3: deliveries found and pruned by their event through its id range', async () => {
  const { file, db } = storeFile('hookbot-range-', 3);
  const event = db.prepare("INSERT INTO events (id, source, event, level, notice, answer, created_at) VALUES (?, 's', 'e', 'info', '{}', '{}', ?)");
  event.run('old', 100);
  event.run('new', 200);
  event.run('none', 100);
  event.run('anew', 200);
  // Interleaved (no version wrote them so, but the range must not be trusted alone): 1 and 3 are
  // old's, 2 is new's and still pending.
  const delivery = db.prepare("INSERT INTO deliveries (id, event_id, bot, chat, kind, target, state, next_at, created_at, updated_at) VALUES (?, ?, 'b', 'c', 'group', 'b:c', ?, 0, 0, 0)");
  delivery.run(1, 'old', 'sent');
  delivery.run(2, 'new', 'pending');
  delivery.run(3, 'old', 'dead');
  db.close();

  const store = SqliteStore.open(file);
  try {
    const index = (store as unknown as { db: Database.Database }).db.prepare("SELECT name FROM sqlite_master WHERE name = 'deliveries_event'").get();
    expect(index).toBeUndefined();
    expect((await store.deliveriesOf('old')).map((d) => d.id)).toEqual([1, 3]);
    expect((await store.deliveriesOf('new')).map((d) => d.id)).toEqual([2]);
    expect(await store.deliveriesOf('none')).toEqual([]);
    // The newest event of the source (as of migration 6), of two of the same time the later id.
    expect((await store.lastEventPerSource()).map((e) => e.id)).toEqual(['new']);
    // old, none and anew are finished; new has work pending, and its delivery inside old's range stays.
    expect(await store.prune(300, 10)).toBe(3);
    expect((await store.recentEvents(10)).map((e) => e.id)).toEqual(['new']);
    expect((await store.deliveriesOf('new')).map((d) => d.id)).toEqual([2]);
    expect(await store.countByState()).toMatchObject({ pending: 1, sent: 0, dead: 0 });
  } finally {
    await store.close();
  }
});

it('an event an older hookbot wrote without its range is pruned only once its deliveries are finished', async () => {
  const { file, db: empty } = storeFile('hookbot-range-');
  empty.close();
  await SqliteStore.open(file).close();
  // What a hookbot from before migration 4 writes: no range, and no newest event of its source.
  const db = new Database(file);
  db.prepare("INSERT INTO events (id, source, event, level, notice, answer, created_at) VALUES ('old', 's', 'e', 'info', '{}', '{}', 100)").run();
  const delivery = db.prepare("INSERT INTO deliveries (event_id, bot, chat, kind, target, state, next_at, created_at, updated_at) VALUES ('old', 'b', ?, 'group', 'b:c', ?, 0, 0, 0)");
  delivery.run('c', 'sent');
  const pending = Number(delivery.run('d', 'pending').lastInsertRowid);
  db.prepare("INSERT INTO lanes (bot, chat, head_id, next_at) VALUES ('b', 'd', ?, 0)").run(pending);
  db.close();

  const store = SqliteStore.open(file);
  try {
    // Given its range at open: read as any other event.
    expect((await store.deliveriesOf('old')).map((d) => [d.chat, d.state])).toEqual([
      ['c', 'sent'],
      ['d', 'pending'],
    ]);
    expect((await store.lastEventPerSource()).map((e) => e.id)).toEqual(['old']);
    // The older hookbot still writes beside this one: an event with nothing left to send, and
    // one with a delivery pending, neither with its range.
    const older = new Database(file);
    older.prepare("INSERT INTO events (id, source, event, level, notice, answer, created_at) VALUES (?, 's', 'e', 'info', '{}', '{}', ?)").run('done', 200);
    older.prepare("INSERT INTO events (id, source, event, level, notice, answer, created_at) VALUES (?, 's', 'e', 'info', '{}', '{}', ?)").run('later', 300);
    older.prepare("INSERT INTO deliveries (event_id, bot, chat, kind, target, state, next_at, created_at, updated_at) VALUES ('done', 'b', 'c', 'group', 'b:c', 'sent', 0, 0, 0)").run();
    const later = Number(older.prepare("INSERT INTO deliveries (event_id, bot, chat, kind, target, state, next_at, created_at, updated_at) VALUES ('later', 'b', 'e', 'group', 'b:e', 'pending', 0, 0, 0)").run().lastInsertRowid);
    older.close();
    expect(await store.prune(1_000, 10)).toBe(1); // 'done' only
    expect((await store.deliveriesOf('later')).map((d) => d.id)).toEqual([later]);
    expect((await store.lastEventPerSource()).map((e) => e.id)).toEqual(['later']);
    const [claimed] = await store.claimDue(1, 10, ['b']);
    expect(claimed?.id).toBe(pending);
    await store.markSent(claimed!, 1);
    expect(await store.prune(1_000, 10)).toBe(1); // 'old'
    expect((await store.recentEvents(10)).map((e) => e.id)).toEqual(['later']);
    expect(await store.deliveriesOf('old')).toEqual([]);
    expect(await store.countByState()).toEqual({ pending: 1, sending: 0, sent: 0, dead: 0, muted: 0 });
  } finally {
    await store.close();
  }
});

it('refuses a store a newer hookbot upgraded, naming its version and what to do', () => {
  const { file, db } = storeFile('hookbot-range-');
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  expect(() => SqliteStore.open(file)).toThrow(
    `cannot open the SQLite store at ${file}: its schema is version ${MIGRATIONS.length + 1}, and this hookbot knows versions up to ${MIGRATIONS.length}: a newer hookbot upgraded it. Run that version (or a later one), or give this one a store of its own (store.sqlite)`,
  );
});

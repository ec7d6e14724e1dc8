// A store of version 4 upgrades at start to a deliveries_state index without pending deliveries:
// what is read by state (counts, dead letters, recent sends, claim holders, lease renewals) reads
// the same afterwards, and a pending delivery enters the index once it is claimed.
import type Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { LANES_REBUILD } from '../../../src/store/schema.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { storeFile } from './factories.js';

it('upgrades a store of version 4: pending deliveries leave deliveries_state, reads by state are unchanged', async () => {
  const { file, db } = storeFile('hookbot-state-index-', 4);
  db.prepare("INSERT INTO events (id, source, event, level, notice, answer, created_at, first_delivery, last_delivery) VALUES ('e', 's', 'e', 'info', '{}', '', 0, 1, 6)").run();
  const delivery = db.prepare(
    "INSERT INTO deliveries (id, event_id, bot, chat, kind, target, state, next_at, created_at, updated_at, claim, locked_by, lease_until) VALUES (?, 'e', 'b', ?, 'group', ?, ?, 0, 0, ?, ?, ?, ?)",
  );
  delivery.run(1, 'c1', 'b:c1', 'sent', 100, null, null, null);
  delivery.run(2, 'c2', 'b:c2', 'dead', 110, null, null, null);
  delivery.run(3, 'c3', 'b:c3', 'sending', 120, 'k3', 'other', 10_000);
  delivery.run(4, 'c4', 'b:c4', 'pending', 130, null, null, null);
  delivery.run(5, 'c5', 'b:c5', 'muted', 140, null, null, null);
  delivery.run(6, 'c6', 'b:c6', 'pending', 150, null, null, null);
  // Each chat's lane, as the store keeps them.
  db.exec(LANES_REBUILD);
  db.close();

  const store = SqliteStore.open(file, { instance: 'me' });
  try {
    const raw = (store as unknown as { db: Database.Database }).db;
    const inIndex = () => (raw.prepare("SELECT id FROM deliveries INDEXED BY deliveries_state WHERE state <> 'pending' ORDER BY id").all() as { id: number }[]).map((r) => r.id);
    expect(raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'deliveries_state'").pluck().get()).toMatch(/WHERE state <> 'pending'$/);
    expect(inIndex()).toEqual([1, 2, 3, 5]);
    expect(await store.countByState()).toEqual({ pending: 2, sending: 1, sent: 1, dead: 1, muted: 1 });
    expect((await store.failed(10)).map((d) => d.id)).toEqual([2]);
    expect((await store.recentSends('b', 100)).map((s) => s.chat)).toEqual(['c1', 'c3']);
    expect(await store.claimHolders()).toEqual(['other']);
    expect(await store.renewClaims(['k3'], 20_000)).toBe(1);

    // c4 and c6 head their chats' lanes: claimed, they enter the index. (Only once the sync at
    // open covers them, which the store tells when a claim had to pass them over.)
    const covered = new Promise((r) => store.onWork(r));
    let claimed = await store.claimDue(1_000, 10, ['b']);
    if (!claimed.length) claimed = await covered.then(() => store.claimDue(1_000, 10, ['b']));
    expect(claimed.map((d) => d.id).sort()).toEqual([4, 6]);
    expect(inIndex()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await store.countByState()).toEqual({ pending: 0, sending: 3, sent: 1, dead: 1, muted: 1 });
    expect(await store.retry('all', 2_000)).toBe(1);
    expect(await store.countByState()).toEqual({ pending: 1, sending: 3, sent: 1, dead: 0, muted: 1 });
    expect(inIndex()).toEqual([1, 3, 4, 5, 6]);
  } finally {
    await store.close();
  }
});

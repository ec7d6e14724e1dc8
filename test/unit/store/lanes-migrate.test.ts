// A store made before lanes existed upgrades at start: the chats' heads are found from the
// deliveries waiting in it, and claiming goes on in order from there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/store/schema.js';
import { PG_MIGRATIONS } from '../../../src/store/pg-schema.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { PgStore } from '../../../src/store/postgres.js';
import type { Store } from '../../../src/store/store.js';
import { createTestDatabase, postgresAvailable, type TestPg } from '../../helpers/postgres.js';

const now = Date.now();
// Chat a: 1 sent, 2 sending (lease expired), 3 pending. Chat b: 4 pending, held; 5 pending. Chat c: 6 dead.
const ROWS: [number, string, string, number][] = [
  [1, 'a', 'sent', now - 10],
  [2, 'a', 'sending', now - 10],
  [3, 'a', 'pending', now - 10],
  [4, 'b', 'pending', now + 3_600_000],
  [5, 'b', 'pending', now - 10],
  [6, 'c', 'dead', now - 10],
];
const insert = "INSERT INTO deliveries (id, event_id, bot, chat, kind, target, state, next_at, created_at, updated_at, lease_until) VALUES ";

async function expectHeadsClaimed(store: Store) {
  // Only b's held head blocks b; a's head is the expired claim, released first.
  expect(await store.claimDue(now, 10, ['bot'])).toEqual([]);
  expect(await store.releaseClaims(now)).toBe(1);
  expect((await store.claimDue(now, 10, ['bot'])).map((d) => d.id)).toEqual([2]);
  expect((await store.claimDue(now + 3_600_000, 10, ['bot'])).map((d) => d.id)).toEqual([4]);
  expect(await store.openBots()).toEqual(['bot']);
}

const available = await postgresAvailable();

describe('lanes are built when an older store is opened', () => {
  it('SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-lanes-'));
    try {
      const file = join(dir, 'h.db');
      const db = new Database(file);
      db.exec(MIGRATIONS[0]!);
      db.exec(MIGRATIONS[1]!);
      db.pragma('user_version = 2');
      const ins = db.prepare(insert + "(?, 'e', 'bot', ?, 'group', 't', ?, ?, 0, 0, ?)");
      for (const [id, chat, state, nextAt] of ROWS) ins.run(id, chat, state, nextAt, state === 'sending' ? now - 1 : null);
      db.close();
      const store = SqliteStore.open(file, { instance: 'i1' });
      try {
        await expectHeadsClaimed(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  let tdb: TestPg | undefined;
  afterAll(async () => {
    await tdb?.drop();
  });
  it.runIf(available)('PostgreSQL', async () => {
    tdb = await createTestDatabase();
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    try {
      await c.query('CREATE TABLE hookbot_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      await c.query(PG_MIGRATIONS[0]!);
      await c.query('INSERT INTO hookbot_migrations (version) VALUES (1)');
      for (const [id, chat, state, nextAt] of ROWS)
        await c.query(insert + "($1, 'e', 'bot', $2, 'group', 't', $3, $4, 0, 0, $5)", [id, chat, state, nextAt, state === 'sending' ? now - 1 : null]);
    } finally {
      await c.end();
    }
    const store = await PgStore.open(tdb.url, { instance: 'i1', listen: false });
    try {
      await expectHeadsClaimed(store);
    } finally {
      await store.close();
    }
  });
});

// The stores the contract suite runs against. Each factory makes a fresh database; `open` gives a
// handle on it for an instance id (two handles stand for two instances), `drop` removes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { MIGRATIONS } from '../../../src/store/schema.js';
import { PgStore } from '../../../src/store/postgres.js';
import { createTestDatabase, postgresAvailable } from '../../helpers/postgres.js';
import type { IngestRequest, Store } from '../../../src/store/store.js';
import { newEventId } from '../../../src/event-id.js';

export interface TestDatabase {
  open(instance: string): Promise<Store>;
  drop(): Promise<void>;
}

function sqliteDir(): { file: string; drop: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-store-'));
  return { file: join(dir, 'h.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A store file in a folder of its own, removed when the test ends. With `version`, the file holds
 * the schema up to that migration, as an older hookbot left it, open in `db` for the test to fill.
 */
export function storeFile(prefix: string, version?: number): { file: string; db: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'h.db');
  const db = new Database(file);
  if (version !== undefined) {
    for (const m of MIGRATIONS.slice(0, version)) db.exec(m);
    db.pragma(`user_version = ${version}`);
  }
  return { file, db };
}

export async function storeFactories(): Promise<[string, () => Promise<TestDatabase>][]> {
  const pg: [string, () => Promise<TestDatabase>][] = (await postgresAvailable())
    ? [
        [
          'postgres',
          async () => {
            const db = await createTestDatabase();
            return { open: (instance) => PgStore.open(db.url, { instance }), drop: db.drop };
          },
        ],
      ]
    : [];
  return [
    [
      'sqlite',
      async () => {
        const { file, drop } = sqliteDir();
        return { open: async (instance) => SqliteStore.open(file, { instance }), drop };
      },
    ],
    ...pg,
  ];
}

/** An ingest of one report to group chats of bot `b` (source `src`), with an optional dedup key. */
export const req = (text: string, chats: string[], dedupKey?: string): IngestRequest => ({
  id: newEventId(Date.now()),
  source: 'src',
  dedupKey,
  notice: { source: 'src', format: 'report', event: 'e', level: 'info', time: '', text, vars: {} },
  deliveries: chats.map((chat) => ({ bot: 'b', chat, kind: 'group' as const, target: `b:${chat}`, silent: false })),
});

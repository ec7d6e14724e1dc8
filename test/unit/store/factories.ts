// The stores the contract suite runs against. Each factory makes a fresh database; `open` gives a
// handle on it for an instance id (two handles stand for two instances), `drop` removes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite.js';
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

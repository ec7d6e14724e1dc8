// Instances starting together on a new PostgreSQL database apply each migration once, and none
// of them fails on the other's tables.
import { afterAll, describe, expect, it } from 'vitest';
import { PgStore } from '../../../src/store/postgres.js';
import { PG_MIGRATIONS } from '../../../src/store/pg-schema.js';
import { createTestDatabase, postgresAvailable, type TestPg } from '../../helpers/postgres.js';

const available = await postgresAvailable();

describe.runIf(available)('PostgreSQL migrations', () => {
  let db: TestPg | undefined;
  afterAll(async () => {
    await db?.drop();
  });

  it('three instances opening a new database at once all start, and the schema is applied once', async () => {
    db = await createTestDatabase();
    const stores = await Promise.all([1, 2, 3].map((i) => PgStore.open(db!.url, { instance: `i${i}`, listen: false })));
    try {
      expect(await stores[0]!.botOwners()).toEqual([]);
    } finally {
      for (const s of stores) await s.close();
    }
    const again = await PgStore.open(db.url, { instance: 'i4', listen: false });
    await again.close();
  });

  it('refuses a database a newer hookbot upgraded, naming its version and what to do', async () => {
    const store = await PgStore.open(db!.url, { instance: 'i1', listen: false });
    await (store as unknown as { pool: { query: (sql: string, p: unknown[]) => Promise<unknown> } }).pool.query('INSERT INTO hookbot_migrations (version) VALUES ($1)', [PG_MIGRATIONS.length + 1]);
    await store.close();
    await expect(PgStore.open(db!.url, { instance: 'i1', listen: false })).rejects.toThrow(
      `cannot open the PostgreSQL store: its schema is version ${PG_MIGRATIONS.length + 1}, and this hookbot knows versions up to ${PG_MIGRATIONS.length}: a newer hookbot upgraded it. Run that version (or a later one), or give this one a database of its own (store.postgres)`,
    );
  });
});

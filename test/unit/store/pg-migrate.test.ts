// Instances starting together on a new PostgreSQL database apply each migration once, and none
// of them fails on the other's tables.
import { afterAll, describe, expect, it } from 'vitest';
import { PgStore } from '../../../src/store/postgres.js';
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
});

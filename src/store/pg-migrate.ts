// Applies the PostgreSQL migrations not yet applied, each in its own transaction, under a
// transaction-level advisory lock so that instances starting together never apply one twice.
import type pg from 'pg';
import { inTransaction, withClient } from './pg-client.js';
import { PG_MIGRATIONS } from './pg-schema.js';

const LOCK = "hashtextextended('hookbot:migrate', 0)";

/** Returns the versions applied now (empty when the database was up to date). */
export async function migratePg(pool: pg.Pool): Promise<number[]> {
  const applied: number[] = [];
  await withClient(pool, async (client) => {
    // Under the lock too: two CREATE TABLE IF NOT EXISTS at once can still collide.
    await inTransaction(client, async () => {
      await client.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
      await client.query('CREATE TABLE IF NOT EXISTS hookbot_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    });
    // A newer hookbot's schema: what this one would write there could break what that one relies on.
    const newest = (await client.query<{ v: number | null }>('SELECT max(version) AS v FROM hookbot_migrations')).rows[0]?.v ?? 0;
    if (newest > PG_MIGRATIONS.length)
      throw new Error(
        `its schema is version ${newest}, and this hookbot knows versions up to ${PG_MIGRATIONS.length}: a newer hookbot upgraded it. Run that version (or a later one), or give this one a database of its own (store.postgres)`,
      );
    for (let v = 1; v <= PG_MIGRATIONS.length; v++) {
      await inTransaction(client, async () => {
        await client.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
        const done = await client.query('SELECT 1 FROM hookbot_migrations WHERE version = $1', [v]);
        if (done.rowCount === 0) {
          await client.query(PG_MIGRATIONS[v - 1]!);
          await client.query('INSERT INTO hookbot_migrations (version) VALUES ($1)', [v]);
          applied.push(v);
        }
      });
    }
  });
  return applied;
}

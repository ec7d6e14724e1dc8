// withClient against the real PostgreSQL: a connection goes back to the pool after an error the
// server answered and ROLLBACK recovered, and is dropped only when the connection itself is gone.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction, withClient } from '../../../src/store/pg-client.js';
import { createTestDatabase, postgresAvailable, type TestPg } from '../../helpers/postgres.js';

const available = await postgresAvailable();

describe.runIf(available)('withClient', () => {
  let db: TestPg | undefined;
  let pool: pg.Pool | undefined;
  /** A pool of one connection, so the connection a call gets is the one the last call gave back. */
  const open = async () => {
    db ??= await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    await pool.query('CREATE TABLE t (k text PRIMARY KEY)');
    return pool;
  };
  const backend = (p: pg.Pool) => withClient(p, async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  afterEach(async () => {
    await pool?.end();
    pool = undefined;
    await db?.drop();
    db = undefined;
  });

  it('gives the connection back to the pool after a constraint violation that ROLLBACK recovered', async () => {
    const p = await open();
    const before = await backend(p);
    await withClient(p, (c) => inTransaction(c, () => c.query("INSERT INTO t VALUES ('a')")));
    const duplicate = withClient(p, (c) => inTransaction(c, () => c.query("INSERT INTO t VALUES ('a')")));
    await expect(duplicate).rejects.toMatchObject({ code: '23505' });
    // The same session, not a new one, and no transaction left open on it.
    expect(await backend(p)).toBe(before);
    expect(p.totalCount).toBe(1);
    await withClient(p, (c) => inTransaction(c, () => c.query("INSERT INTO t VALUES ('b')")));
    expect((await p.query('SELECT k FROM t ORDER BY k')).rows).toEqual([{ k: 'a' }, { k: 'b' }]);
  });

  it('gives it back after a failed statement outside a transaction too', async () => {
    const p = await open();
    const before = await backend(p);
    await expect(withClient(p, (c) => c.query('SELECT * FROM no_such_table'))).rejects.toMatchObject({ code: '42P01' });
    expect(await backend(p)).toBe(before);
  });

  it('drops a connection whose session ended, and the next call gets a new one', async () => {
    const p = await open();
    const before = await backend(p);
    // The server ends the session under the call, as a restart or an administrator would.
    await expect(withClient(p, (c) => c.query('SELECT pg_terminate_backend(pg_backend_pid())'))).rejects.toThrow();
    const after = await backend(p);
    expect(after).not.toBe(before);
  });

  it('drops a connection left inside a transaction that could not be rolled back', async () => {
    const p = await open();
    const before = await backend(p);
    const lost = withClient(p, (c) =>
      inTransaction(c, async () => {
        await c.query("INSERT INTO t VALUES ('x')");
        await c.query('SELECT pg_terminate_backend(pg_backend_pid())');
      }),
    );
    await expect(lost).rejects.toThrow();
    expect(await backend(p)).not.toBe(before);
    expect((await p.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });
});

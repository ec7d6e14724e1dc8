// Connections checked out of a pg pool, written once for every PostgreSQL store. While a connection
// is checked out the pool no longer listens for its 'error' event, so a connection lost then (the
// database restarted, the network cut) would be an uncaught error that ends the process. Here it
// is listened to, the call fails instead, and the connection is dropped rather than reused.
import type pg from 'pg';

/** Runs `fn` on one connection; one that failed or was lost goes back destroyed. */
export async function withClient<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  const lost = () => void (broken = true);
  client.on('error', lost);
  try {
    return await fn(client);
  } catch (e) {
    broken = true;
    throw e;
  } finally {
    client.removeListener('error', lost);
    client.release(broken || undefined);
  }
}

/** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const out = await fn();
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

// Connections checked out of a pg pool, written once for every PostgreSQL store. While a connection
// is checked out the pool no longer listens for its 'error' event, so a connection lost then (the
// database restarted, the network cut) would be an uncaught error that ends the process. Here it
// is listened to, the call fails instead, and the connection is dropped rather than reused. A
// connection whose call failed with the server's own answer (a constraint violation, a syntax
// error) is still good: it goes back to the pool, so such failures do not cost a new connection each.
import pg from 'pg';

/** Connections left inside a transaction ROLLBACK could not end: never to be reused. */
const stuck = new WeakSet<pg.PoolClient>();

/**
 * Whether the connection is still in step with the server after `e`: the server answered with an
 * error (so the protocol went on), and not one that says the session is ending (class 08, a lost
 * connection; 57P01–57P05, the server shutting down or the session terminated; XX, an internal error).
 */
function sessionSurvives(e: unknown): boolean {
  if (!(e instanceof pg.DatabaseError) || typeof e.code !== 'string') return false;
  return !/^(08|57P0|XX)/.test(e.code);
}

/** Runs `fn` on one connection; one that was lost, or may be, goes back destroyed. */
export async function withClient<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  const lost = () => void (broken = true);
  client.on('error', lost);
  try {
    return await fn(client);
  } catch (e) {
    if (!sessionSurvives(e) || stuck.has(client)) broken = true;
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
    await client.query('ROLLBACK').catch(() => stuck.add(client));
    throw e;
  }
}

// A fresh PostgreSQL database per test file (hookbot_test_<random>), dropped afterwards. The server
// is the machine's own (CI starts it: .ci/run); HOOKBOT_TEST_PG names another one. Outside CI a
// machine without PostgreSQL skips these tests; in CI they always run.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env['HOOKBOT_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let reachable: Promise<boolean> | undefined;
/** True when the PostgreSQL server answers; in CI a missing server is an error, not a skip. */
export function postgresAvailable(): Promise<boolean> {
  return (reachable ??= admin(async (c) => (await c.query('SELECT 1')).rowCount === 1).catch((e) => {
    if (process.env['CI']) throw new Error(`PostgreSQL is required in CI (${PG_ADMIN_URL}): ${(e as Error).message}`);
    return false;
  }));
}

export interface TestPg {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestPg> {
  const name = `hookbot_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

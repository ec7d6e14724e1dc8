// ConfigObjectStore on PostgreSQL: the objects created through /api/v1, shared by every instance.
import pg from 'pg';
import { inTransaction, withClient } from './pg-client.js';
import type { ConfigObjectStore, ObjectKind, StoredObject } from './config-objects.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS config_objects (
  kind TEXT NOT NULL, name TEXT NOT NULL, body JSONB NOT NULL,
  updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL, PRIMARY KEY (kind, name));
CREATE TABLE IF NOT EXISTS config_version (id INT PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO config_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
`;

export class PgConfigObjects implements ConfigObjectStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PgConfigObjects> {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => {});
    // Two instances starting together would race to create the tables: one at a time.
    try {
      await withClient(pool, async (c) => {
        await c.query('SELECT pg_advisory_lock(7261001)');
        try {
          await c.query(SCHEMA);
        } finally {
          await c.query('SELECT pg_advisory_unlock(7261001)').catch(() => {});
        }
      });
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
    return new PgConfigObjects(pool);
  }

  async list(kind?: ObjectKind): Promise<StoredObject[]> {
    const r = kind ? await this.pool.query('SELECT * FROM config_objects WHERE kind = $1 ORDER BY name', [kind]) : await this.pool.query('SELECT * FROM config_objects ORDER BY kind, name');
    return r.rows.map(toObject);
  }

  async get(kind: ObjectKind, name: string): Promise<StoredObject | undefined> {
    const r = await this.pool.query('SELECT * FROM config_objects WHERE kind = $1 AND name = $2', [kind, name]);
    return r.rows[0] ? toObject(r.rows[0]) : undefined;
  }

  async put(o: StoredObject): Promise<'created' | 'replaced'> {
    return this.tx(async (c) => {
      const r = await c.query(
        `INSERT INTO config_objects (kind, name, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by
         RETURNING (xmax = 0) AS inserted`,
        [o.kind, o.name, JSON.stringify(o.body), o.updatedAt, o.updatedBy],
      );
      return r.rows[0].inserted ? 'created' : 'replaced';
    });
  }

  async delete(kind: ObjectKind, name: string): Promise<boolean> {
    return this.tx(async (c) => ((await c.query('DELETE FROM config_objects WHERE kind = $1 AND name = $2', [kind, name])).rowCount ?? 0) > 0, (deleted) => deleted);
  }

  async version(): Promise<number> {
    return Number((await this.pool.query('SELECT version FROM config_version WHERE id = 1')).rows[0].version);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Runs `f` and moves the version in one transaction (unless `changed` says nothing changed). */
  private tx<T>(f: (c: pg.PoolClient) => Promise<T>, changed: (out: T) => boolean = () => true): Promise<T> {
    return withClient(this.pool, (c) =>
      inTransaction(c, async () => {
        const out = await f(c);
        if (changed(out)) await c.query('UPDATE config_version SET version = version + 1 WHERE id = 1');
        return out;
      }),
    );
  }
}

function toObject(r: any): StoredObject {
  return { kind: r.kind, name: r.name, body: r.body, updatedAt: Number(r.updated_at), updatedBy: r.updated_by };
}

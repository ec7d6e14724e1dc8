// ConfigObjectStore on SQLite: its own table in the same database file, through its own connection
// (WAL lets it sit beside the store's own connection). Config changes are rare and small, so plain
// synchronous statements are enough.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ConfigObjectStore, ObjectKind, StoredObject } from './config-objects.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS config_objects (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (kind, name)
);
CREATE TABLE IF NOT EXISTS config_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT OR IGNORE INTO config_version (id, version) VALUES (1, 0);
`;

export class SqliteConfigObjects implements ConfigObjectStore {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): SqliteConfigObjects {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new SqliteConfigObjects(db);
  }

  async list(kind?: ObjectKind): Promise<StoredObject[]> {
    const rows = kind ? this.db.prepare('SELECT * FROM config_objects WHERE kind = ? ORDER BY name').all(kind) : this.db.prepare('SELECT * FROM config_objects ORDER BY kind, name').all();
    return rows.map(toObject);
  }

  async get(kind: ObjectKind, name: string): Promise<StoredObject | undefined> {
    const r = this.db.prepare('SELECT * FROM config_objects WHERE kind = ? AND name = ?').get(kind, name);
    return r ? toObject(r) : undefined;
  }

  async put(o: StoredObject): Promise<'created' | 'replaced'> {
    return this.db.transaction(() => {
      const had = this.db.prepare('SELECT 1 FROM config_objects WHERE kind = ? AND name = ?').get(o.kind, o.name);
      this.db
        .prepare('INSERT INTO config_objects (kind, name, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by')
        .run(o.kind, o.name, JSON.stringify(o.body), o.updatedAt, o.updatedBy);
      this.bump();
      return had ? ('replaced' as const) : ('created' as const);
      // IMMEDIATE: a read that later writes would fail at once (not wait) if the store's writer
      // committed in between.
    }).immediate();
  }

  async delete(kind: ObjectKind, name: string): Promise<boolean> {
    return this.db.transaction(() => {
      const n = this.db.prepare('DELETE FROM config_objects WHERE kind = ? AND name = ?').run(kind, name).changes;
      if (n) this.bump();
      return n > 0;
    }).immediate();
  }

  async version(): Promise<number> {
    return (this.db.prepare('SELECT version FROM config_version WHERE id = 1').get() as { version: number }).version;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private bump() {
    this.db.prepare('UPDATE config_version SET version = version + 1 WHERE id = 1').run();
  }
}

function toObject(r: any): StoredObject {
  return { kind: r.kind, name: r.name, body: JSON.parse(r.body), updatedAt: r.updated_at, updatedBy: r.updated_by };
}

// The ConfigObjectStore contract, run against every implementation.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigObjectStore } from '../../../src/store/config-objects.js';
import { SqliteConfigObjects } from '../../../src/store/sqlite-config-objects.js';
import { PgConfigObjects } from '../../../src/store/pg-config-objects.js';
import { cuttableRelay } from '../../helpers/pg-relay.js';
import { createTestDatabase, postgresAvailable } from '../../helpers/postgres.js';

const impls: [string, () => Promise<{ a: ConfigObjectStore; b: ConfigObjectStore; drop?: () => Promise<void> }>][] = [
  [
    'sqlite (two connections to one file, as two instances would be)',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'hookbot-objects-')), 'h.db');
      return { a: SqliteConfigObjects.open(file), b: SqliteConfigObjects.open(file) };
    },
  ],
  [
    'postgres (two pools on one database, as two instances would be)',
    async () => {
      const db = await createTestDatabase();
      const a = await PgConfigObjects.open(db.url);
      const b = await PgConfigObjects.open(db.url);
      return { a, b, drop: db.drop };
    },
  ],
];

const pgUp = await postgresAvailable();

for (const [name, open] of impls) {
  describe.skipIf(name.startsWith('postgres') && !pgUp)(`config objects: ${name}`, () => {
    let stores: { a: ConfigObjectStore; b: ConfigObjectStore; drop?: () => Promise<void> };
    afterEach(async () => {
      await stores.a.close();
      await stores.b.close();
      await stores.drop?.();
    });

    it('creates, replaces, lists by kind, deletes; the version moves with each change and is shared', async () => {
      stores = await open();
      const { a, b } = stores;
      const v0 = await b.version();
      expect(await a.put({ kind: 'source', name: 'rec', body: { format: 'onelive', token: 't' }, updatedAt: 1, updatedBy: 'api' })).toBe('created');
      expect(await b.version()).toBeGreaterThan(v0);
      const v1 = await b.version();
      expect(await a.put({ kind: 'source', name: 'rec', body: { format: 'onelive', token: 'u' }, updatedAt: 2, updatedBy: 'api' })).toBe('replaced');
      await a.put({ kind: 'route', name: 'r1', body: { to: ['x'] }, updatedAt: 3, updatedBy: 'api' });
      expect(await b.version()).toBeGreaterThan(v1);
      expect(await b.list('source')).toEqual([{ kind: 'source', name: 'rec', body: { format: 'onelive', token: 'u' }, updatedAt: 2, updatedBy: 'api' }]);
      expect((await b.list()).map((o) => `${o.kind}/${o.name}`)).toEqual(['route/r1', 'source/rec']);
      expect((await b.get('route', 'r1'))?.body).toEqual({ to: ['x'] });
      expect(await b.get('route', 'nope')).toBeUndefined();
      const v2 = await b.version();
      expect(await b.delete('source', 'rec')).toBe(true);
      expect(await a.delete('source', 'rec')).toBe(false);
      expect(await a.version()).toBe(v2 + 1);
      expect(await a.list('source')).toEqual([]);
    });
  });
}

describe.runIf(pgUp)('config objects on PostgreSQL, the connection lost', () => {
  it('a change cut between BEGIN and COMMIT fails that call, never the process, and the next one commits', async () => {
    const db = await createTestDatabase();
    const relay = await cuttableRelay(new URL(db.url));
    const store = await PgConfigObjects.open(relay.url);
    try {
      const obj = { kind: 'source' as const, name: 's1', body: { token: 'x'.repeat(16) }, updatedAt: 1, updatedBy: 'test' };
      relay.cutAt('INSERT INTO config_objects');
      await expect(store.put(obj)).rejects.toThrow();
      await relay.restore();
      expect(await store.put(obj)).toBe('created');
      expect(await store.version()).toBe(1);
    } finally {
      await store.close().catch(() => {});
      await relay.close();
      await db.drop();
    }
  });
});

// Claims commit without their own fsync; every other write keeps synchronous=FULL (a 202 means
// the event is on disk). The pragma must be back to FULL after each claim, even a failed one.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { newEventId } from '../../../src/event-id.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite claims and synchronous', () => {
  it('commits a claim for every handle to see, and leaves synchronous=FULL for the writes after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-sync-'));
    dirs.push(dir);
    const file = join(dir, 'hookbot.db');
    const clock = new ManualClock(1_000_000);
    const store = SqliteStore.open(file, { clock });
    await store.ingest({
      id: newEventId(clock.now()),
      source: 's',
      notice: { source: 's', format: 'report', event: 'e', level: 'info', time: '', text: 'hi', vars: {} },
      deliveries: [{ bot: 'b', chat: 'c', kind: 'group', target: 'b:c', silent: false }],
    });
    const [claimed] = await store.claimDue(clock.now(), 10, ['b']);
    expect(claimed).toBeDefined();
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    // Another connection (another process) sees the claim: it was committed, not left open.
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT state FROM deliveries WHERE id = ?').get(claimed!.id)).toEqual({ state: 'sending' });
    other.close();
    store.close();
  });
});

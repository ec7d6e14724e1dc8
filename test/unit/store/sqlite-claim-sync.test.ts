// Claims commit without their own fsync; every other write keeps synchronous=FULL (a 202 means
// the event is on disk). The pragma must be back to FULL after each claim, even a failed one.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { Claimed } from '../../../src/store/store.js';
import { addReport } from '../../helpers/worker.js';

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
    const db = (store as unknown as { db: Database.Database }).db;
    // Twice: a prepared PRAGMA statement takes effect when it is prepared again, and every run of
    // one expires the statements prepared before; the first claim after opening alone would pass
    // even if synchronous were never set back.
    let claimed: Claimed | undefined;
    for (const text of ['hi', 'again']) {
      await addReport(store, clock, 'c', text);
      if (claimed) expect(await store.markSent(claimed, clock.now())).toBe(true);
      [claimed] = await store.claimDue(clock.now(), 10, ['b']);
      expect(claimed).toBeDefined();
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
    }
    // Another connection (another process) sees the claim: it was committed, not left open.
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT state FROM deliveries WHERE id = ?').get(claimed!.id)).toEqual({ state: 'sending' });
    other.close();
    store.close();
  });
});

// The SQLite store commits with synchronous = NORMAL and syncs the WAL itself, off the event loop:
// an ingest is answered only after a sync that started after its commit; claims and outcomes are
// answered at once; a failed sync stops every write until a restart.
import Database from 'better-sqlite3';
import { fstatSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { isStoreUnavailable } from '../../../src/store/store.js';
import type { Fsync } from '../../../src/store/wal-sync.js';
import { addReport, testWorker } from '../../helpers/worker.js';

type Call = { what: 'wal' | 'directory'; ino: number; isDirectory: boolean; release: () => void; fail: (e: Error) => void };

/** An fsync that holds every call until the test releases or fails it; `next()` waits for the next call. */
function heldFsync() {
  const calls: Call[] = [];
  held.push(calls);
  const waiters: ((c: Call) => void)[] = [];
  const fsync: Fsync = (fd, what) =>
    new Promise<void>((release, fail) => {
      if (draining) return release();
      const st = fstatSync(fd);
      const call = { what, ino: st.ino, isDirectory: st.isDirectory(), release, fail };
      calls.push(call);
      waiters.shift()?.(call);
    });
  let taken = 0;
  const next = (): Promise<Call> => (taken < calls.length ? Promise.resolve(calls[taken++]!) : new Promise((r) => waiters.push((c) => (taken++, r(c)))));
  return { calls, fsync, next };
}

/** Whether `p` has settled once the event loop has run what is ready now. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

const dirs: string[] = [];
const stores: SqliteStore[] = [];
/** Every held fsync's calls: released after each test, so a failing one still lets its store close. */
const held: Call[][] = [];
let draining = false;
afterEach(async () => {
  draining = true;
  for (const c of held.splice(0).flat()) c.release();
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  draining = false;
});

function open(fsync?: Fsync) {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-wal-'));
  dirs.push(dir);
  const file = join(dir, 'hookbot.db');
  const clock = new ManualClock(1_000_000);
  const store = SqliteStore.open(file, { clock, fsync });
  stores.push(store);
  return { dir, file, clock, store };
}

/** A store whose syncs at open (directory, then WAL) went through. */
async function opened() {
  const h = heldFsync();
  const s = open(h.fsync);
  (await h.next()).release();
  (await h.next()).release();
  return { ...s, ...h };
}

describe('SQLite store: the WAL synced off the event loop', () => {
  it('syncs the directory at open, then the WAL, through the descriptors of those files', async () => {
    const h = heldFsync();
    const { dir, file } = open(h.fsync);
    const first = await h.next();
    expect(first).toMatchObject({ what: 'directory', isDirectory: true, ino: statSync(dir).ino });
    expect(h.calls.length).toBe(1); // one at a time
    first.release();
    const wal = await h.next();
    expect(wal).toMatchObject({ what: 'wal', isDirectory: false, ino: statSync(file + '-wal').ino });
    wal.release();
  });

  it('commits with synchronous = NORMAL: the WAL sync after a commit is the store’s own', async () => {
    const { store } = await opened();
    expect((store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('answers an ingest only after a WAL sync that started after its commit', async () => {
    const { store, clock, file, next } = await opened();
    const ingest = addReport(store, clock, 'c', 'hi');
    const sync = await next();
    expect(sync.what).toBe('wal');
    // Committed (another connection sees it) but not answered while the sync runs.
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT count(*) n FROM events').get()).toEqual({ n: 1 });
    other.close();
    expect(await settled(ingest)).toBe(false);
    sync.release();
    expect((await ingest).duplicate).toBe(false);
  });

  it('holds ingests that arrive during a sync back, then commits them together and syncs once for all', async () => {
    const { store, clock, next, calls, file } = await opened();
    const a = addReport(store, clock, 'c', 'a');
    const first = await next();
    const b = addReport(store, clock, 'c', 'b');
    const c = addReport(store, clock, 'd', 'c');
    await new Promise((r) => setImmediate(r));
    expect(calls.length).toBe(3); // no second sync while one is in flight
    // Held back: they would wait for the next sync anyway, and one commit writes fewer WAL pages.
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT count(*) n FROM events').get()).toEqual({ n: 1 });
    first.release();
    await a;
    const second = await next();
    expect(await settled(Promise.all([b, c]))).toBe(false);
    second.release();
    expect((await Promise.all([b, c])).map((x) => x.duplicate)).toEqual([false, false]);
    expect(calls.length).toBe(4); // one sync for both
    expect(other.prepare('SELECT count(*) n FROM events').get()).toEqual({ n: 3 });
    other.close();
  });

  it('answers claims, outcomes and renewals at once, without waiting for a sync', async () => {
    const { store, clock, next } = await opened();
    const a = addReport(store, clock, 'c', 'a');
    (await next()).release();
    await a;
    // A sync is held in flight (for b): the worker's calls do not wait for it.
    const b = addReport(store, clock, 'd', 'b');
    const held = await next();
    const claimed = await store.claimDue(clock.now(), 10, ['b']);
    expect(claimed.map((d) => d.chat)).toEqual(['c']);
    expect(await store.renewClaims([claimed[0]!.claim], clock.now() + 60_000)).toBe(1);
    expect(await store.markSent(claimed[0]!, clock.now())).toBe(true);
    expect(await settled(b)).toBe(false);
    held.release();
    await b;
  });

  it('claims only deliveries whose commit a finished sync covers, and says so when the sync ends', async () => {
    const { store, clock, next } = await opened();
    const told: string[] = [];
    store.onWork((bot) => told.push(bot));
    const a = addReport(store, clock, 'c', 'a');
    const held = await next();
    // Committed, not yet on disk: a power cut now would lose the event its webhook was never
    // answered for, so nothing of it may be sent yet.
    expect(await store.claimDue(clock.now(), 10, ['b'])).toEqual([]);
    expect(told).toEqual([]);
    held.release();
    await a;
    expect(told).toEqual(['b']);
    expect((await store.claimDue(clock.now(), 10, ['b'])).map((d) => d.chat)).toEqual(['c']);
  });

  it('claims what another process committed once a sync of its own covers it, which the claim that passed it over starts', async () => {
    const { store, file, clock, next } = await opened();
    const h = heldFsync();
    const writer = SqliteStore.open(file, { clock, instance: 'w', fsync: h.fsync });
    stores.push(writer);
    (await h.next()).release();
    (await h.next()).release();
    // Answered: the writer synced it, but this store cannot know that.
    const a = addReport(writer, clock, 'c', 'a');
    (await h.next()).release();
    await a;
    const told = new Promise<string>((r) => store.onWork(r));
    expect(await store.claimDue(clock.now(), 10, ['b'])).toEqual([]);
    (await next()).release();
    expect(await told).toBe('b');
    expect((await store.claimDue(clock.now(), 10, ['b'])).map((d) => d.chat)).toEqual(['c']);
  });

  it('claims what an earlier run committed only once the sync at open covered it', async () => {
    const { file, clock, store } = open();
    await addReport(store, clock, 'c', 'a');
    await store.close();
    const h = heldFsync();
    const again = SqliteStore.open(file, { clock, fsync: h.fsync });
    stores.push(again);
    const told: string[] = [];
    again.onWork((bot) => told.push(bot));
    (await h.next()).release(); // the directory
    const wal = await h.next();
    expect(await again.claimDue(clock.now(), 10, ['b'])).toEqual([]);
    wal.release();
    await new Promise((r) => setImmediate(r));
    expect(told).toEqual(['b']);
    expect((await again.claimDue(clock.now(), 10, ['b'])).map((d) => d.chat)).toEqual(['c']);
  });

  it('after a failed sync refuses the ingests it covered and every later write, until a restart', async () => {
    const { store, clock, next, file } = await opened();
    const a = addReport(store, clock, 'c', 'a');
    const first = await next();
    const b = addReport(store, clock, 'd', 'b'); // held back until the sync ends, then never written
    await new Promise((r) => setImmediate(r));
    first.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    for (const r of await Promise.allSettled([a, b])) {
      expect(r.status).toBe('rejected');
      expect(isStoreUnavailable((r as PromiseRejectedResult).reason)).toBe(true);
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/until hookbot is restarted/);
    }
    // A later fsync could succeed without the lost pages: nothing more is written, durable or not.
    await expect(addReport(store, clock, 'e', 'later')).rejects.toSatisfy(isStoreUnavailable);
    await expect(store.claimDue(clock.now(), 10, ['b'])).rejects.toSatisfy(isStoreUnavailable);
    await expect(store.audit({ at: 0, bot: 'b', user: 'u', chat: 'c', command: 'x', args: '', outcome: 'ok' })).rejects.toSatisfy(isStoreUnavailable);
    // Reads still work.
    expect((await store.countByState()).pending).toBe(1);
    await store.close();
    // A restart opens the store afresh and takes writes again.
    const again = SqliteStore.open(file, { clock });
    stores.push(again);
    expect((await addReport(again, clock, 'f', 'after restart')).duplicate).toBe(false);
  });

  it('after a failed sync the worker finds the store failing, which /healthz reports', async () => {
    const { store, clock, next } = await opened();
    let reported!: (problem: string | undefined) => void;
    const health = new Promise<string | undefined>((r) => (reported = r));
    const bot = { platform: 'test', id: 'b', parseChat: (raw: string) => ({ chat: raw }), send: async () => ({}), start: async () => {}, stop: async () => {}, health: () => ({ state: 'ok' as const, since: '' }) };
    const worker = testWorker(store, bot, clock, { onStoreHealth: (p) => reported(p) });
    const started = worker.start();
    (await next()).release(); // start() releases stale claims: a durable write
    await started;
    const a = addReport(store, clock, 'c', 'a');
    (await next()).fail(new Error('EIO: i/o error, fdatasync'));
    await expect(a).rejects.toSatisfy(isStoreUnavailable);
    worker.kick();
    expect(await health).toMatch(/store is failing: .*until hookbot is restarted/);
    await worker.stop();
  });

  it('close() waits for the sync in flight, and the ingest it holds is answered', async () => {
    const { store, clock, next } = await opened();
    const a = addReport(store, clock, 'c', 'a');
    const sync = await next();
    const closed = store.close();
    expect(await settled(closed)).toBe(false);
    sync.release();
    await closed;
    expect((await a).duplicate).toBe(false);
  });

  it('refuses writes once the WAL it syncs is no longer the database’s (deleted or replaced from outside)', async () => {
    const { store, clock, file } = open();
    await addReport(store, clock, 'c', 'a');
    // Replaced: what SQLite keeps writing through its descriptor would not be found after a crash.
    writeFileSync(file + '-wal.new', '');
    renameSync(file + '-wal.new', file + '-wal');
    const err = await addReport(store, clock, 'c', 'b').catch((e: unknown) => e);
    expect(isStoreUnavailable(err)).toBe(true);
    expect(String(err)).toMatch(/deleted or replaced/);
  });

  it('waits for another process’s write lock without blocking the event loop, then commits', async () => {
    const { store, clock, file } = open();
    await addReport(store, clock, 'c', 'a');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const b = addReport(store, clock, 'c', 'b');
    // The loop turns (settled() needs it to) while the ingest waits for the lock.
    expect(await settled(b)).toBe(false);
    expect(await settled(store.countByState())).toBe(true);
    other.exec('COMMIT');
    other.close();
    expect((await b).duplicate).toBe(false);
    expect((await store.countByState()).pending).toBe(2);
  });

  it('an in-memory store answers at once: there is no disk to wait for', async () => {
    const clock = new ManualClock(0);
    const store = SqliteStore.open(':memory:', { clock });
    stores.push(store);
    expect((await addReport(store, clock, 'c', 'a')).duplicate).toBe(false);
  });
});

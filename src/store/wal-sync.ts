// Makes the SQLite store's commits durable without blocking the event loop: the store commits with
// synchronous = NORMAL (the commit is written to the WAL, not synced) and this fdatasyncs the WAL
// through libuv's thread pool before a durable op is answered (see sqlite.ts for why that is safe).
import { closeSync, fdatasync, fstatSync, fsync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreUnavailable } from './store.js';

/**
 * Makes a file durable: its data for the WAL (fdatasync), its entries for a directory (fsync).
 * Injectable so a test can hold a sync or fail it.
 */
export type Fsync = (fd: number, what: 'wal' | 'directory') => Promise<void>;

export const fsyncFile: Fsync = (fd, what) => new Promise((resolve, reject) => (what === 'wal' ? fdatasync : fsync)(fd, (e) => (e ? reject(e) : resolve())));

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

export class WalSync {
  private readonly fd: number;
  private readonly ino: number;
  private readonly dev: number;
  /** Waiting for the next sync: they committed while one was in flight, which may not cover them. */
  private waiting: Waiter[] = [];
  private inFlight?: Promise<void>;
  /**
   * Set by the first failed sync, and never cleared. After a failed fsync the kernel may have
   * dropped the WAL's dirty pages and marked them clean ("fsyncgate"): a later fsync can succeed
   * without those commits being on disk, and a checkpoint would copy pages the disk never got.
   * So the store refuses every write from then on (StoreUnavailable: webhooks get 503, the worker
   * holds deliveries and /healthz says the store is failing) until hookbot is restarted, when
   * SQLite's recovery reads the WAL from the disk and keeps the commits whose checksums hold.
   */
  failed?: StoreUnavailable;

  /**
   * What the last successful sync covered: the value `covers` gave when it started (the store's
   * highest delivery id then). Everything up to it is on disk; -1 until the first sync at open ends.
   */
  syncedUpTo = -1;

  /**
   * `wal` is the -wal file SQLite has open (it opens it at the first read in WAL mode and keeps it
   * until its connection closes). The directory is synced first, once: the WAL may have just been
   * created, and with synchronous = NORMAL SQLite would sync its directory entry only at the first
   * checkpoint — a power cut before that could lose the file with every commit in it.
   * `onSynced` runs when a sync ended, before the next starts: the store commits then what it held
   * back meanwhile (see `syncing`), so that the next sync covers it.
   * `covers` is read as a sync starts, when no transaction is open: what it returns (the highest
   * delivery id committed) becomes `syncedUpTo` once that sync succeeded.
   */
  constructor(
    private readonly wal: string,
    private readonly fsync: Fsync = fsyncFile,
    private readonly onSynced: () => void = () => {},
    private readonly covers: () => number = () => -1,
  ) {
    // Our own descriptor, kept for the store's life and never reopened by name: SQLite keeps writing
    // through the descriptor it opened, so the file behind ours is the one that holds the commits
    // even if the name came to point elsewhere. Closing it drops none of SQLite's locks: those are
    // on the database and -shm files, never on the WAL.
    this.fd = openSync(wal, 'r');
    ({ ino: this.ino, dev: this.dev } = fstatSync(this.fd));
    const dir = openSync(dirname(wal), 'r');
    // What an earlier run committed (maybe not yet on disk after a crash) is covered by this sync.
    this.inFlight = this.run(async () => {
      try {
        await this.fsync(dir, 'directory');
      } finally {
        closeSync(dir);
      }
      await this.syncWal();
    }, []);
  }

  /** Whether a sync is in flight: a durable commit made now would wait for the next one anyway. */
  get syncing(): boolean {
    return this.inFlight !== undefined;
  }

  /** Resolves once a sync that started after this call succeeded: everything committed before it is on disk. */
  durable(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new StoreUnavailable('the store is closed'));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      // At most one sync in flight; the next starts when it ends, for all that waited meanwhile.
      if (!this.inFlight) this.next();
    });
  }

  /**
   * Makes sure a sync that covers `upTo` runs, without waiting for it: the one in flight or the
   * next one already wanted may, else one starts now (or when the one in flight ends).
   */
  cover(upTo: number): void {
    if (this.failed || this.closed || this.syncedUpTo >= upTo || this.waiting.length) return;
    if (this.inFlight && this.inFlightUpTo >= upTo) return;
    this.wanted = true;
    if (!this.inFlight) this.next();
  }
  /** What the sync in flight covers. */
  private inFlightUpTo = -1;
  /** A sync is wanted after the one in flight, with no one waiting on it (cover). */
  private wanted = false;

  /** Waits for the syncs in flight and waiting, then closes the descriptor (once: its number may be reused). */
  async close(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
  private closed = false;

  private next(): void {
    const covered = this.waiting;
    this.waiting = [];
    this.wanted = false;
    if (this.failed) {
      for (const w of covered) w.reject(this.failed);
      return;
    }
    this.inFlight = this.run(() => this.syncWal(), covered);
  }

  private run(sync: () => Promise<void>, covered: Waiter[]): Promise<void> {
    const upTo = (this.inFlightUpTo = this.covers());
    return sync().then(
      () => {
        this.inFlight = undefined;
        this.syncedUpTo = Math.max(this.syncedUpTo, upTo);
        for (const w of covered) w.resolve();
        this.onSynced();
        if (this.waiting.length || this.wanted) this.next();
      },
      (e: unknown) => {
        this.inFlight = undefined;
        this.failed ??= new StoreUnavailable(`the store could not make its journal durable, so it accepts no more writes until hookbot is restarted: ${(e as Error)?.message ?? String(e)}`, { cause: e });
        for (const w of covered) w.reject(this.failed);
        this.onSynced();
        this.next();
      },
    );
  }

  private async syncWal(): Promise<void> {
    await this.fsync(this.fd, 'wal');
    // The name must still lead to the file we synced: a WAL deleted or replaced from outside keeps
    // taking SQLite's commits, but recovery after a crash would never find them.
    // A stat of a name the kernel has cached takes a microsecond or two on the loop, less than a
    // round trip through the thread pool (and its promise) for every sync.
    const now = statSync(this.wal, { throwIfNoEntry: false });
    if (now?.ino !== this.ino || now.dev !== this.dev) throw new Error(`${this.wal} was deleted or replaced while the store had it open`);
  }
}

// The SQLite store on its own thread. better-sqlite3 is synchronous: on the main thread every
// commit's fsync would stop the HTTP server, the bots and the worker for its duration. Here the
// main thread only posts calls and gets answers; batching and fsync happen on the store thread.
import { Worker } from 'node:worker_threads';
import type { Store } from './store.js';
import { StoreUnavailable } from './store.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };

export class ThreadedStore {
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private dead?: Error;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: string) => {
      for (const a of JSON.parse(message) as Answer[]) {
        const p = this.pending.get(a.id);
        if (!p) continue;
        this.pending.delete(a.id);
        if (a.ok) p.resolve(a.value);
        else p.reject(a.name === 'StoreUnavailable' ? new StoreUnavailable(a.message) : Object.assign(new Error(a.message), { name: a.name }));
      }
    });
    const fail = (e: Error) => {
      this.dead = new StoreUnavailable(`the store thread stopped: ${e.message}`);
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  /** Opens the store on a new thread; rejects with the thread's own error if it cannot open. */
  static async open(file: string, instance = 'local'): Promise<Store> {
    // Compiled, the thread runs thread-main.js as is; from sources, thread-dev.mjs brings tsx along.
    const entry = import.meta.url.endsWith('.ts') ? './thread-dev.mjs' : './thread-main.js';
    const worker = new Worker(new URL(entry, import.meta.url), { workerData: { file, instance } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new StoreUnavailable(m.error ?? 'the store thread failed'))));
      worker.once('error', reject);
    });
    const t = new ThreadedStore(worker);
    // Every Store method becomes a message to the thread. (No onWork: within one process the
    // ingest tells the worker itself.)
    return new Proxy(t, {
      get: (target, prop) =>
        prop === 'instance' ? instance : prop === 'then' || prop === 'onWork' || prop === 'onBotsReleased' ? undefined : (...args: unknown[]) => target.call(String(prop), args),
    }) as unknown as Store;
  }

  private outbox: { id: number; method: string; args: unknown[] }[] = [];

  private call(method: string, args: unknown[]): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Calls made in one turn of the event loop go over as one message, so the store thread
      // sees them together and commits them with one fsync.
      if (this.outbox.length === 0) setImmediate(() => this.post());
      this.outbox.push({ id, method, args });
      if (method === 'close') void this.closeAfter(id);
    });
  }

  private post() {
    const batch = this.outbox;
    this.outbox = [];
    // As JSON text: everything the Store takes and gives is plain data, and V8 copies one string
    // several times faster than it structured-clones the same objects.
    if (batch.length) this.worker.postMessage(JSON.stringify(batch));
  }

  private async closeAfter(id: number) {
    while (this.pending.has(id)) await new Promise((r) => setImmediate(r));
    await this.worker.terminate();
  }
}

// Entry of the store thread (see threaded.ts). Compiled with the rest to dist/; from TypeScript
// sources, thread-dev.mjs loads it through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from './sqlite.js';

type Call = { id: number; method: string; args: unknown[] };

const port = parentPort!;
try {
  const store = SqliteStore.open((workerData as { file: string; instance: string }).file, { instance: (workerData as { instance: string }).instance }) as unknown as Record<string, (...a: unknown[]) => unknown>;
  // Calls come in batches; all of them join the store's next group commit, and their answers
  // go back in one message too.
  // Both ways as JSON text (see threaded.ts). JSON turns an `undefined` argument into null, and no
  // Store method takes null, so null becomes undefined again (defaults apply as on the main thread).
  port.on('message', async (message: string) => {
    const calls = JSON.parse(message) as Call[];
    const answers = await Promise.all(
      calls.map(async ({ id, method, args }) => {
        try {
          return { id, ok: true, value: await store[method]!(...args.map((a) => (a === null ? undefined : a))) };
        } catch (e) {
          const err = e as Error | undefined;
          return { id, ok: false, name: err?.name ?? 'Error', message: err?.message ?? String(e) };
        }
      }),
    );
    port.postMessage(JSON.stringify(answers));
  });
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ error: (e as Error)?.message ?? String(e) });
}

// Entry of the store thread (see threaded.ts). Plain JS, so it runs wherever the thread starts;
// it registers tsx to load the TypeScript store.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
try {
  const { SqliteStore } = await import('./sqlite.ts');
  const store = SqliteStore.open(workerData.file, { instance: workerData.instance });
  // Calls come in batches; all of them join the store's next group commit, and their answers
  // go back in one message too.
  // Both ways as JSON text (see threaded.ts). JSON turns an `undefined` argument into null, and no
  // Store method takes null, so null becomes undefined again (defaults apply as on the main thread).
  parentPort.on('message', async (message) => {
    const calls = JSON.parse(message);
    const answers = await Promise.all(
      calls.map(async ({ id, method, args }) => {
        try {
          return { id, ok: true, value: await store[method](...args.map((a) => (a === null ? undefined : a))) };
        } catch (e) {
          return { id, ok: false, name: e?.name ?? 'Error', message: e?.message ?? String(e) };
        }
      }),
    );
    parentPort.postMessage(JSON.stringify(answers));
  });
  parentPort.postMessage({ ready: true });
} catch (e) {
  parentPort.postMessage({ error: e?.message ?? String(e) });
}

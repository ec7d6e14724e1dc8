// Entry of the store thread (see threaded.ts). Plain JS, so it runs wherever the thread starts;
// it registers tsx to load the TypeScript store.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
try {
  const { SqliteStore } = await import('./sqlite.ts');
  const store = SqliteStore.open(workerData.file);
  // Calls come in batches; all of them join the store's next group commit, and their answers
  // go back in one message too.
  parentPort.on('message', async (calls) => {
    const answers = await Promise.all(
      calls.map(async ({ id, method, args }) => {
        try {
          return { id, ok: true, value: await store[method](...args) };
        } catch (e) {
          return { id, ok: false, name: e?.name ?? 'Error', message: e?.message ?? String(e) };
        }
      }),
    );
    parentPort.postMessage(answers);
  });
  parentPort.postMessage({ ready: true });
} catch (e) {
  parentPort.postMessage({ error: e?.message ?? String(e) });
}

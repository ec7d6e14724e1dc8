// Entry of the store thread (see threaded.ts). Plain JS, so it runs wherever the thread starts;
// it registers tsx to load the TypeScript store.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
try {
  const { SqliteStore } = await import('./sqlite.ts');
  const store = SqliteStore.open(workerData.file);
  parentPort.on('message', async ({ id, method, args }) => {
    try {
      const value = await store[method](...args);
      parentPort.postMessage({ id, ok: true, value });
    } catch (e) {
      parentPort.postMessage({ id, ok: false, name: e?.name ?? 'Error', message: e?.message ?? String(e) });
    }
  });
  parentPort.postMessage({ ready: true });
} catch (e) {
  parentPort.postMessage({ error: e?.message ?? String(e) });
}

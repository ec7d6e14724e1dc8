// Which SQLite failures are the store's (it cannot commit now: locked by another process, disk
// full, I/O error, closed) rather than the request's. The former become StoreUnavailable, so a
// webhook is answered 503 with Retry-After and the worker knows an acknowledgement did not land.
import { StoreUnavailable } from './store.js';

const STORE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|NOMEM|CORRUPT|NOTADB|PROTOCOL|PERM|INTERRUPT)/;

export function asStoreError(e: unknown): unknown {
  if (!(e instanceof Error) || e.name === 'StoreUnavailable') return e;
  const code = (e as { code?: unknown }).code;
  const closed = e instanceof TypeError && /database connection is not open/.test(e.message);
  if ((typeof code === 'string' && STORE_CODES.test(code)) || closed) return new StoreUnavailable(`the store could not commit: ${e.message}`, { cause: e });
  return e;
}

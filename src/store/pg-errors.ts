// Which PostgreSQL failures are the store's (unreachable, restarting, out of resources, a timeout,
// a conflict worth retrying) rather than the request's (a constraint a bad row broke). The former
// become StoreUnavailable: the sender gets 503 with Retry-After, the worker keeps its claim.
import { StoreUnavailable } from './store.js';

// SQLSTATE classes: 08 connection, 53 resources, 57 operator intervention (shutdown, cancel,
// statement timeout), 58 system, XX internal; 40001/40P01 serialization and deadlock; 55P03 lock.
const STORE_STATES = /^(08|53|57|58|XX)|^(40001|40P01|55P03)$/;

export function asPgStoreError(e: unknown): unknown {
  if (!(e instanceof Error) || e.name === 'StoreUnavailable') return e;
  const code = (e as { code?: unknown }).code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
  // No SQLSTATE: the driver or the network (ECONNREFUSED, "Connection terminated", a pool timeout).
  if (!sqlState || STORE_STATES.test(code as string)) return new StoreUnavailable(`the store could not commit: ${e.message}`, { cause: e });
  return e;
}

// Retention: finished events (every delivery sent, dead or muted) older than `store.retention` are
// forgotten, so a store fed screenshots for months does not grow without end. Pending work is never
// pruned. Runs at start and then hourly, in small batches so ingest never waits long behind it.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Store } from './store.js';

// SQLite deletes on the event loop: a batch of 100 events (and their deliveries) took 6-12 ms on
// a store of 300k events, 500 took 30-60 ms. Each batch waits for the WAL's sync, so webhooks are
// committed between batches.
const BATCH = 100;
const EVERY_MS = 3600_000;

/** Starts pruning; the returned function stops it and waits for a run in progress. */
export function startPruning(store: Store, retentionMs: number, clock: Clock, logger: Logger): () => Promise<void> {
  if (!retentionMs) return async () => {};
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = async () => {
    let total = 0;
    for (;;) {
      const n = await store.prune(clock.now() - retentionMs, BATCH);
      total += n;
      if (n < BATCH || stopped) break;
    }
    if (total) logger.info({ events: total }, 'forgot finished events older than store.retention');
  };
  const tick = () => {
    running ??= run()
      .catch((e) => logger.warn({ err: String(e) }, 'could not prune old events; trying again later'))
      .finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, EVERY_MS);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

// Picks the store the config names.
import { systemClock, type Clock } from '../clock.js';
import { ConfigError, type Config } from '../config.js';
import { SqliteStore } from './sqlite.js';
import { ThreadedStore } from './threaded.js';
import type { Store } from './store.js';
import { newInstanceId } from '../instance.js';

export async function openStore(cfg: Config['store'], clock: Clock, instance = newInstanceId()): Promise<Store> {
  if (cfg.sqlite !== undefined) {
    // On its own thread, so fsyncs never stall the server; in-process when a test drives the clock
    // (the thread keeps the system clock).
    return clock === systemClock ? ThreadedStore.open(cfg.sqlite, instance) : SqliteStore.open(cfg.sqlite, { clock, instance });
  }
  throw new ConfigError(['store.postgres: the PostgreSQL store is not available in this version: use store: { sqlite: ./data/hookbot.db }']);
}

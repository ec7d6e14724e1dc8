// Picks the runtime-configuration store and the dashboard's event queries beside the main store.
import type { Config } from '../config.js';
import type { ConfigObjectStore } from './config-objects.js';
import { SqliteConfigObjects } from './sqlite-config-objects.js';
import type { EventQuery } from './event-query.js';
import { SqliteEventQuery } from './sqlite-event-query.js';
import { storeEventQuery } from './store-event-query.js';
import type { Store } from './store.js';

export async function openConfigObjects(cfg: Config['store']): Promise<ConfigObjectStore> {
  if (cfg.sqlite !== undefined) return SqliteConfigObjects.open(cfg.sqlite);
  const { PgConfigObjects } = await import('./pg-config-objects.js');
  return PgConfigObjects.open(cfg.postgres!);
}

/** The dashboard's read-only event queries, beside the main store. */
export async function openEventQuery(cfg: Config['store'], store: Store): Promise<EventQuery & { close(): Promise<void> }> {
  if (cfg.sqlite !== undefined) return SqliteEventQuery.open(cfg.sqlite);
  return { ...storeEventQuery(store), close: async () => {} };
}

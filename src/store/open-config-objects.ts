// Picks the runtime-configuration store beside the main store.
import type { Config } from '../config.js';
import type { ConfigObjectStore } from './config-objects.js';
import { SqliteConfigObjects } from './sqlite-config-objects.js';

export async function openConfigObjects(cfg: Config['store']): Promise<ConfigObjectStore> {
  if (cfg.sqlite !== undefined) return SqliteConfigObjects.open(cfg.sqlite);
  throw new Error('store.postgres: the PostgreSQL store is not available in this version: use store: { sqlite: ./data/hookbot.db }');
}

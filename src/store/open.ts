// Picks the store the config names.
import type { Clock } from '../clock.js';
import { ConfigError, type Config } from '../config.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export async function openStore(cfg: Config['store'], clock: Clock): Promise<Store> {
  if ('sqlite' in cfg) return SqliteStore.open(cfg.sqlite, { clock });
  throw new ConfigError(['store.postgres: the PostgreSQL store is not available in this version: use store: { sqlite: ./data/hookbot.db }']);
}

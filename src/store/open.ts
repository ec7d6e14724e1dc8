// Picks the store the config names.
import type { Clock } from '../clock.js';
import { ConfigError, type Config } from '../config.js';
import type { Store } from './store.js';
import { newInstanceId } from '../instance.js';
import type { Logger } from 'pino';
import { registerSecret } from '../log.js';

export async function openStore(cfg: Config['store'], clock: Clock, instance = newInstanceId(), opts: { logger?: Logger; listen?: boolean } = {}): Promise<Store> {
  if (cfg.sqlite !== undefined) {
    // In-process: its fsyncs run on libuv's thread pool, never on the event loop (sqlite.ts).
    const { SqliteStore } = await import('./sqlite.js');
    return SqliteStore.open(cfg.sqlite, { clock, instance });
  }
  if (cfg.postgres !== undefined) {
    // The password must never reach a log line or an error.
    const password = safeUrl(cfg.postgres)?.password;
    if (password) registerSecret(decodeURIComponent(password));
    // pg is loaded only for a PostgreSQL store.
    const { PgStore } = await import('./postgres.js');
    return PgStore.open(cfg.postgres, { clock, instance, logger: opts.logger, listen: opts.listen });
  }
  throw new ConfigError(['store: give exactly one of sqlite (a file path) or postgres (a connection URL)']);
}

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

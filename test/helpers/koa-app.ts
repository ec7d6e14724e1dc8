// hookbot's own Koa app (body limit, JSON error answers, the "request refused" log line) served on a
// free port, so a bot's mounted routes (Telegram's webhook, Discord's interactions, Slack's events)
// are tested behind what answers them in production, not behind a copy.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { HttpMount } from '../../src/bot.js';
import { createKoaApp } from '../../src/koa-app.js';
import type { ServerDeps } from '../../src/server.js';

export interface ServedApp {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  /** Adds a route, as the server does when a bot calls BotHost.mount (read at each request). */
  mount(m: HttpMount): void;
  /** What the app logged, one JSON line an entry. */
  logged: string[];
  close(): Promise<void>;
}

export async function serveKoaApp(mounts: HttpMount[] = [], bodyLimit = 1024 * 1024): Promise<ServedApp> {
  const logged: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
  // An empty dashboard folder: a path no route takes is a plain 404, whether or not the dashboard was built.
  const webRoot = mkdtempSync(join(tmpdir(), 'hookbot-no-dashboard-'));
  const deps = { config: { server: { bodyLimit } }, logger, webRoot } as unknown as ServerDeps;
  const routes = new Map<string, HttpMount>();
  const mount = (m: HttpMount) => void routes.set(`${m.method} ${m.path}`, m);
  mounts.forEach(mount);
  const server = createServer(await createKoaApp(deps, routes));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mount,
    logged,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(webRoot, { recursive: true, force: true });
    },
  };
}

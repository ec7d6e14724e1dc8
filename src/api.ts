// The management API under /api (Bearer server.apiToken): what the chat commands show, for scripts
// and dashboards.
import Router from '@koa/router';
import type { BotAdapter } from './bot.js';
import type { Clock } from './clock.js';
import { HttpError } from './http/errors.js';
import type { Store } from './store/store.js';

export interface ApiDeps {
  store: Store;
  bots: Map<string, BotAdapter>;
  clock: Clock;
  version: string;
  startedAt: number;
  /** Called after a retry, so the worker looks at once. */
  onRetry: () => void;
}

function count(v: unknown, def: number, max = 500): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HttpError(400, `n must be a whole number from 1 to ${max}`);
  return n;
}

export function createApi(deps: ApiDeps): Router {
  const api = new Router();
  api.get('/status', async (ctx) => {
    ctx.body = {
      version: deps.version,
      uptimeSeconds: Math.round((deps.clock.now() - deps.startedAt) / 1000),
      deliveries: await deps.store.countByState(),
      lastEvents: await deps.store.lastEventPerSource(),
      bots: Object.fromEntries([...deps.bots].map(([id, b]) => [id, { platform: b.platform, ...b.health() }])),
    };
  });
  api.get('/events', async (ctx) => {
    ctx.body = await deps.store.recentEvents(count(ctx.query['n'], 20));
  });
  api.get('/events/:id/deliveries', async (ctx) => {
    ctx.body = await deps.store.deliveriesOf(ctx.params['id']!);
  });
  api.get('/deliveries/failed', async (ctx) => {
    ctx.body = await deps.store.failed(count(ctx.query['n'], 20));
  });
  api.post('/deliveries/:id/retry', async (ctx) => {
    const raw = ctx.params['id']!;
    const target = raw === 'all' ? 'all' : Number(raw);
    if (target !== 'all' && !Number.isInteger(target)) throw new HttpError(400, `'${raw}' is not a delivery id: give a number or 'all'`);
    const n = await deps.store.retry(target, deps.clock.now());
    if (n > 0) deps.onRetry();
    ctx.body = { retried: n };
  });
  return api;
}

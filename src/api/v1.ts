// /api/v1: runtime configuration (sources, routes, templates, people, groups, mutes), reload,
// Volcengine callback registration, what the dashboard shows, and the OpenAPI document of it all.
import Router from '@koa/router';
import type { BotAdapter, PlatformDeclaration } from '../bot.js';
import type { Clock } from '../clock.js';
import type { InboundFormat } from '../inbound/format.js';
import { mask } from '../log.js';
import type { LiveConfig } from '../runtime/live.js';
import type { ConfigObjectStore } from '../store/config-objects.js';
import type { Store } from '../store/store.js';
import { createAuditor } from './audit.js';
import { ApiBuilder } from './define.js';
import { muteRoutes } from './mutes.js';
import { objectRoutes, ProblemsError } from './objects.js';
import { openApiDocument } from './openapi.js';
import { reloadRoutes } from './reload.js';
import { objectSchemas } from './schemas.js';
import { sourceOptions } from './sources.js';
import { volcengineRoutes } from './volcengine.js';
import { dashboardRoutes } from './dashboard.js';
import type { EventQuery } from '../store/event-query.js';

export interface ApiV1Deps {
  previews: Record<string, () => Promise<import('../preview.js').PreviewFn>>;
  live: LiveConfig;
  objects: ConfigObjectStore;
  store: Store;
  bots: Map<string, BotAdapter>;
  botModules: Record<string, PlatformDeclaration>;
  formats: Record<string, InboundFormat>;
  clock: Clock;
  version: string;
  startedAt: number;
  events: EventQuery;
  /** The worker looks at once (after a retry or a test notice). */
  kick: () => void;
  /** Waits until other instances have picked up stored keys (Volcengine rotation). */
  settle: () => Promise<void>;
  fetch?: typeof fetch;
}

export function createApiV1(deps: ApiV1Deps): { router: Router; api: ApiBuilder } {
  const api = new ApiBuilder();
  const audit = createAuditor(deps.store, deps.clock);
  const schemas = objectSchemas(deps.botModules, deps.formats);
  const config = () => deps.live.current.config;
  const objectDeps = { live: deps.live, objects: deps.objects, clock: deps.clock, audit };

  objectRoutes(api, 'source', sourceOptions(schemas.source, config), objectDeps);
  objectRoutes(api, 'route', { plural: 'routes', schema: schemas.route, filters: { source: (v, want) => v?.match?.source === want } }, objectDeps);
  objectRoutes(api, 'template', { plural: 'templates', schema: schemas.template }, objectDeps);
  objectRoutes(api, 'person', { plural: 'people', schema: schemas.person }, objectDeps);
  objectRoutes(api, 'group', { plural: 'groups', schema: schemas.group }, objectDeps);
  muteRoutes(api, { store: deps.store, clock: deps.clock, audit, changed: () => deps.live.ingest.mutesChanged() });
  reloadRoutes(api, { live: deps.live, audit });
  dashboardRoutes(api, { store: deps.store, events: deps.events, live: deps.live, bots: deps.bots, clock: deps.clock, version: deps.version, startedAt: deps.startedAt, audit, kick: deps.kick, previews: deps.previews, capabilities: (platform) => deps.botModules[platform]?.capabilities });
  volcengineRoutes(api, {
    config,
    audit,
    service: {
      objects: deps.objects,
      clock: deps.clock,
      fetch: deps.fetch,
      settle: deps.settle,
      source: (name) => (Object.hasOwn(config().sources, name) ? (config().sources[name] as { format: string; keys?: string[] }) : undefined),
      acceptedKeys: (name) => (Object.hasOwn(config().sources, name) ? ((config().sources[name] as { keys?: string[] }).keys ?? []) : []),
    },
  });

  api.add({ method: 'get', path: '/openapi.json', tag: 'meta', summary: 'This document: OpenAPI 3.1, generated from the zod schemas the server validates with' }, async () => openApiDocument(api.defs, deps.version));

  const router = new Router();
  // Problems are listed one by one, as `hookbot check` prints them.
  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      ctx.status = e.status;
      ctx.body = { error: mask(e.message), problems: e.problems.map(mask) };
    }
  });
  router.use(api.router.routes(), api.router.allowedMethods());
  return { router, api };
}

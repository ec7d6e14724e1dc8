// The Koa app: routes, body limits, and the mapping of errors to HTTP statuses; the webhook
// endpoints go on the lean route of http/hooks.ts in front of it (`handler`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import Koa from 'koa';
import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import type { HttpMount, WebSocketMount } from './bot.js';
import { webSocketMounts } from './http/websocket.js';
import type { Config } from './config.js';
import { HttpError } from './http/errors.js';
import type { Ingest } from './ingest.js';
import { answerFor } from './ingest.js';
import { mask } from './log.js';
import { hookRoute } from './http/hooks.js';
import { hookSocketRoute } from './http/hooks-websocket.js';
import { csrfOk, Sessions } from './web/session.js';
import { sessionRoutes, type SessionInfo } from './web/session-routes.js';
import { findWebRoot, serveDashboard } from './web/static.js';

export interface ServerDeps {
  config: Config;
  ingest: Ingest;
  logger: Logger;
  /** GET /healthz: its status code (200 ok or degraded, 503 down) and JSON body (health-report.ts). */
  health: () => { httpStatus: number; body: Record<string, unknown> };
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** Management API under /api (Bearer server.apiToken). */
  api?: Router;
  /** Told how each webhook was answered: a configured source's name (else ''), and the status. */
  onWebhook?: (source: string, status: number) => void;
  /** GET /media/:id, the signed image links of robots (server.publicUrl). */
  media?: { handler: Koa.Middleware };
  /** Dashboard sign-in (cookie sessions); the API also takes Bearer server.apiToken. */
  sessions?: Sessions;
  sessionInfo?: () => SessionInfo;
  /** Where the built dashboard is; found beside the code when not given. */
  webRoot?: string;
}

/** Reads the body as bytes, refusing more than `limit` with 413 before it is all in memory. */
export async function readBody(ctx: Koa.Context, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit, length: ctx.get('content-length') || undefined });
  } catch (e) {
    const err = e as { type?: string; status?: number; message: string };
    if (err.type === 'entity.too.large') throw new HttpError(413, `the body is larger than the limit of ${limit} bytes`);
    if (err.type === 'request.aborted') throw new HttpError(400, 'the request was aborted');
    throw new HttpError(err.status && err.status < 500 ? err.status : 400, err.message);
  }
}

async function readJson(ctx: Koa.Context, limit: number): Promise<unknown> {
  const raw = await readBody(ctx, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

export function createServer(deps: ServerDeps) {
  const { config, ingest, logger } = deps;
  const app = new Koa({ proxy: false });
  const mounts = new Map<string, HttpMount>();
  const sockets = webSocketMounts(logger);
  // What Koa meets outside the middleware (a client that aborts its upload or resets the
  // connection): through the logger, masked, as one JSON line. Koa's default prints the stack raw.
  app.on('error', (err: NodeJS.ErrnoException, ctx?: Koa.Context) => {
    const gone = ctx?.req.destroyed || ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'HPE_INVALID_EOF_STATE', 'ERR_STREAM_PREMATURE_CLOSE'].includes(err.code ?? '') || err.message === 'Parse Error';
    if (gone) logger.debug({ path: ctx?.path, code: err.code, error: err.message }, 'the client went away');
    else logger.error({ path: ctx?.path, err }, 'error after the answer');
  });

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      const err = answerFor(e, logger, { path: ctx.path }, 'unexpected error while handling a request');
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.body = { error: mask(err.message) };
      if (err.status >= 400 && err.status < 500) logger.info({ path: ctx.path, status: err.status, error: mask(err.message) }, 'request refused');
    }
  });

  const router = new Router();

  if (deps.media) router.get('/media/:id', deps.media.handler);
  router.get('/healthz', (ctx) => {
    const h = deps.health();
    ctx.status = h.httpStatus;
    ctx.body = h.body;
  });
  router.get('/metrics', async (ctx) => {
    const m = await deps.metrics();
    ctx.type = m.contentType;
    ctx.body = m.body;
  });
  const sessions = deps.sessions ?? new Sessions({ apiToken: config.server.apiToken, now: Date.now });
  if (deps.sessionInfo) {
    const info = deps.sessionInfo;
    router.use('/api/v1/session', sessionRoutes(sessions, info, (ctx) => readJson(ctx, config.server.bodyLimit)).routes());
  }
  if (deps.api) {
    const guard: Koa.Middleware = async (ctx, next) => {
      if (!config.server.apiToken) throw new HttpError(404, 'the management API is off: set server.apiToken to use it');
      const auth = sessions.authenticate(ctx);
      if (!auth) throw new HttpError(401, 'send the API token of server.apiToken as Authorization: Bearer <token>');
      if (auth.by === 'cookie' && !csrfOk(ctx)) throw new HttpError(403, 'a change made with the dashboard session needs the X-Hookbot-CSRF header');
      await next();
    };
    router.use('/api', guard);
    router.use('/api', deps.api.routes());
  }

  // Routes adapters serve (Telegram webhook, Discord interactions, Slack events), added at start.
  app.use(async (ctx, next) => {
    const m = mounts.get(`${ctx.method} ${ctx.path}`);
    if (!m) return next();
    ctx.state['rawBody'] = await readBody(ctx, config.server.bodyLimit);
    await m.handler(ctx, next);
  });
  app.use(router.routes()).use(router.allowedMethods());
  // Last: the dashboard's static files at `/`, behind every route above.
  app.use(serveDashboard(deps.webRoot ?? findWebRoot()));

  // The webhook endpoints first, on their lean route (http/hooks.ts); everything else through Koa.
  const hooks = hookRoute({ config, ingest, logger, onWebhook: deps.onWebhook });
  // The same endpoints over a WebSocket (BetterGI's WebSocket notifier).
  const hookSockets = hookSocketRoute({ config, ingest, logger, onWebhook: deps.onWebhook });
  const koa = app.callback();
  return {
    app,
    handler: (req: IncomingMessage, res: ServerResponse) => {
      if (!hooks(req, res)) void koa(req, res);
    },
    mount(route: HttpMount) {
      mounts.set(`${route.method} ${route.path}`, route);
    },
    mountWebSocket: (route: WebSocketMount) => sockets.add(route),
    /** For the HTTP server's 'upgrade' event. */
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!hookSockets.upgrade(req, socket, head)) sockets.upgrade(req, socket, head);
    },
    closeSockets: () => {
      hookSockets.close();
      sockets.close();
    },
  };
}

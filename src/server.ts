// The Koa app: routes, body limits, and the mapping of errors to HTTP statuses.
import Koa from 'koa';
import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import type { HttpMount } from './bot.js';
import type { Config } from './config.js';
import { HttpError } from './http/errors.js';
import type { Ingest } from './ingest.js';
import { toHttpError } from './ingest.js';
import { mask } from './log.js';
import { csrfOk, Sessions } from './web/session.js';
import { sessionRoutes, type SessionInfo } from './web/session-routes.js';
import { findWebRoot, serveDashboard } from './web/static.js';

export interface ServerDeps {
  config: Config;
  ingest: Ingest;
  logger: Logger;
  health: () => Record<string, unknown>;
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

function flatHeaders(h: Koa.Context['headers']): Record<string, string | string[] | undefined> {
  return h as Record<string, string | string[] | undefined>;
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
      let err: HttpError;
      try {
        err = toHttpError(e);
      } catch {
        logger.error({ err: e, path: ctx.path }, 'unexpected error while handling a request');
        err = new HttpError(500, 'internal error');
      }
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.body = { error: mask(err.message) };
      if (err.status >= 400 && err.status < 500) logger.info({ path: ctx.path, status: err.status, error: mask(err.message) }, 'request refused');
    }
  });

  const router = new Router();

  const hook = (sourceName: () => string | undefined) => async (ctx: Koa.Context) => {
    const name = sourceName();
    try {
      await receiveHook(ctx, name);
      deps.onWebhook?.(name!, ctx.status);
    } catch (e) {
      let status = 500;
      try {
        status = toHttpError(e).status;
      } catch {
        /* an unexpected error: the error middleware logs it and answers 500 */
      }
      deps.onWebhook?.(name && ingest.source(name) ? name : '', status);
      throw e;
    }
  };

  const receiveHook = async (ctx: Koa.Context, name: string | undefined) => {
    if (!name) throw new HttpError(404, 'no source given: POST /hooks/<source> or /hooks?source=<source>');
    const facts = { remoteAddress: ctx.req.socket.remoteAddress ?? '', headers: flatHeaders(ctx.headers), query: ctx.query };
    ingest.admit(name, facts);
    const source = ingest.source(name)!;
    const raw = await readBody(ctx, source.bodyLimit ?? config.server.bodyLimit);
    const answer = await ingest.receive(name, { remoteAddress: facts.remoteAddress, headers: facts.headers, query: facts.query, raw, idempotencyKey: ctx.get('idempotency-key') || undefined });
    ctx.status = ingest.acceptedStatus(name);
    if (answer.duplicate) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = { id: answer.id, deliveries: answer.deliveries };
  };

  // NoneBot's route: the source named `report`, else the first source of format `report`.
  const reportSource =
    (config.sources['report'] ? 'report' : undefined) ?? Object.entries(config.sources).find(([, s]) => (s as { format: string }).format === 'report')?.[0];
  router.post('/report', (ctx) => hook(() => reportSource)(ctx));
  router.post('/hooks/:source', (ctx) => hook(() => ctx.params['source'])(ctx));
  router.post('/hooks', (ctx) => hook(() => (typeof ctx.query['source'] === 'string' ? ctx.query['source'] : undefined))(ctx));

  if (deps.media) router.get('/media/:id', deps.media.handler);
  router.get('/healthz', (ctx) => {
    const h = deps.health();
    ctx.status = h['ok'] ? 200 : 503;
    ctx.body = h;
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

  return {
    app,
    mount(route: HttpMount) {
      mounts.set(`${route.method} ${route.path}`, route);
    },
  };
}

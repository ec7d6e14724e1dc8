// Everything served through Koa: the management API, the dashboard and its sign-in, the signed
// media links and the routes bots mount (Telegram's webhook, Discord's interactions, Slack's
// events). Loaded on the first request that needs it (server.ts): an instance that only receives
// webhooks and answers /healthz never loads Koa, its router or the API's schemas.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import type { HttpMount } from './bot.js';
import { HttpError } from './http/errors.js';
import { answerFor } from './ingest.js';
import { mask } from './log.js';
import { readBody, type ServerDeps } from './server.js';
import { csrfOk, Sessions } from './web/session.js';
import { sessionRoutes } from './web/session-routes.js';
import { findWebRoot, serveDashboard } from './web/static.js';

async function readJson(ctx: Koa.Context, limit: number): Promise<unknown> {
  const raw = await readBody(ctx, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

/** The Koa app's request handler; `mounts` is read at each request (bots mount as they start). */
export async function createKoaApp(deps: ServerDeps, mounts: Map<string, HttpMount>): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const { config, logger } = deps;
  const app = new Koa({ proxy: false });
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
    router.use('/api', (await deps.api()).routes());
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
  const handle = app.callback();
  return (req, res) => void handle(req, res);
}

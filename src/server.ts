// The HTTP front: the webhook endpoints on the lean route of http/hooks.ts, /healthz and /metrics
// answered straight from node:http, and everything else (the API, the dashboard, the routes bots
// mount) handed to the Koa app of koa-app.ts, loaded on the first request that needs it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { HttpMount, WebSocketMount } from './bot.js';
import { webSocketMounts } from './http/websocket.js';
import type { Config } from './config.js';
import type { Ingest } from './ingest.js';
import { answerFor } from './ingest.js';
import { mask } from './log.js';
import { hookRoute, readRequestBody } from './http/hooks.js';
import { hookSocketRoute } from './http/hooks-websocket.js';
import type { Sessions } from './web/session.js';
import type { SessionInfo } from './web/session-routes.js';

export interface ServerDeps {
  config: Config;
  ingest: Ingest;
  logger: Logger;
  /** GET /healthz: its status code (200 ok or degraded, 503 down) and JSON body (health-report.ts). */
  health: () => { httpStatus: number; body: Record<string, unknown> };
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** Management API under /api (Bearer server.apiToken), built with the Koa app. */
  api?: () => Promise<Router>;
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
export function readBody(ctx: Koa.Context, limit: number): Promise<Buffer> {
  return readRequestBody(ctx.req, limit);
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** The scheme and authority of an absolute URL: `http://host:port`. */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

function answer(res: ServerResponse, method: string | undefined, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(method === 'HEAD' ? undefined : body);
}

export function createServer(deps: ServerDeps) {
  const { config, ingest, logger } = deps;
  const mounts = new Map<string, HttpMount>();
  const sockets = webSocketMounts(logger);

  // The webhook endpoints first, on their lean route (http/hooks.ts); everything else through Koa.
  const hooks = hookRoute({ config, ingest, logger, onWebhook: deps.onWebhook });
  // The same endpoints over a WebSocket (BetterGI's WebSocket notifier).
  const hookSockets = hookSocketRoute({ config, ingest, logger, onWebhook: deps.onWebhook });

  // Probes are answered here too: a health check every few seconds must not be what loads Koa.
  const probes = (req: IncomingMessage, res: ServerResponse): boolean => {
    let url = req.url ?? '/';
    // An absolute URL in the request line (`GET http://host/healthz`, as sent to a proxy): its path,
    // as Koa takes it. Only a request line not starting with `/` pays for the match.
    if (url[0] !== '/') url = url.replace(ORIGIN, '') || '/';
    const q = url.indexOf('?');
    // As the router matched them: any case, with or without a trailing slash.
    const path = (q < 0 ? url : url.slice(0, q)).toLowerCase().replace(/(.)\/$/, '$1');
    if (path !== '/healthz' && path !== '/metrics') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // As the router's allowedMethods answered them.
      res.setHeader('Allow', 'HEAD, GET');
      answer(res, req.method, 405, JSON_TYPE, JSON.stringify({ error: 'method not allowed: use GET or HEAD' }));
      return true;
    }
    if (path === '/healthz') {
      const h = deps.health();
      answer(res, req.method, h.httpStatus, JSON_TYPE, JSON.stringify(h.body));
      return true;
    }
    deps.metrics().then(
      (m) => answer(res, req.method, 200, m.contentType, m.body),
      (e: unknown) => {
        const err = answerFor(e, logger, { path }, 'unexpected error while handling a request');
        if (!res.headersSent) answer(res, req.method, err.status, JSON_TYPE, JSON.stringify({ error: mask(err.message) }));
      },
    );
    return true;
  };

  // The Koa app (koa-app.ts) is loaded and built on the first request that needs it.
  let koa: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined;
  const viaKoa = (req: IncomingMessage, res: ServerResponse) => {
    koa ??= import('./koa-app.js').then((m) => m.createKoaApp(deps, mounts));
    koa.then(
      (handle) => handle(req, res),
      (e: unknown) => {
        // Not built (the API's schemas refused the config?): tried again at the next request.
        koa = undefined;
        const err = answerFor(e, logger, { path: req.url }, 'the HTTP app could not be loaded');
        if (!res.headersSent) answer(res, req.method, err.status, JSON_TYPE, JSON.stringify({ error: mask(err.message) }));
      },
    );
  };

  return {
    handler: (req: IncomingMessage, res: ServerResponse) => {
      if (!hooks(req, res) && !probes(req, res)) viaKoa(req, res);
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

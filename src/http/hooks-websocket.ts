// Webhooks over a WebSocket: `GET /hooks/<source>` (or `/hooks?source=<source>`) upgraded to a
// WebSocket takes, in each text or binary message, the JSON body a POST to the same URL would
// carry, and answers each message with the JSON a POST is answered with: `{id, deliveries}` once
// committed, `{error, status}` when refused (the socket stays open for the next message).
//
// BetterGI's WebSocket notifier (Service/Notifier/WebSocketNotifier.cs) dials the URL its user
// typed, keeps the socket open between notifications, sends each as one text message and never
// reads an answer; it sends no token of its own, so the token comes in the URL (`?token=`).
// As .NET's ClientWebSocket answers pings only while it reads, an idle client is never dropped
// for missing pongs.
//
// The token is checked before the upgrade (a wrong one is the POST's 401/403 answer, never a
// socket), and again with each message, which also counts it against the source's rate limit.
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { answerFor } from '../ingest.js';
import { mask } from '../log.js';
import { HttpError } from './errors.js';
import type { HookRouteDeps } from './hooks.js';

/** Close codes (RFC 6455 §7.4.1). */
const GOING_AWAY = 1001;
/** Close code 1013, Try Again Later: the client sent more than it waited answers for. */
const TRY_AGAIN_LATER = 1013;
/** Messages one socket may have waiting for their answers; a sender that reads none is cut off here. */
export const MAX_WAITING = 64;
/** How long a client may take to answer hookbot's close at stop before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

function refuse(socket: Duplex, err: HttpError) {
  const body = JSON.stringify({ error: mask(err.message) });
  const extra = Object.entries(err.headers ?? {})
    .filter(([k]) => k.toLowerCase() !== 'connection')
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The source a hook URL names, or undefined when the path is not a hook URL. */
function sourceOf(path: string, query: Record<string, string | string[] | undefined>): { name: string | undefined } | undefined {
  if (path === '/hooks') return { name: typeof query['source'] === 'string' ? query['source'] : undefined };
  if (!path.startsWith('/hooks/') || path.length <= 7 || path.indexOf('/', 7) >= 0) return undefined;
  try {
    return { name: decodeURIComponent(path.slice(7)) };
  } catch {
    return { name: path.slice(7) };
  }
}

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

export function hookSocketRoute(deps: HookRouteDeps) {
  const { config, ingest, logger } = deps;
  // One server per body limit: ws refuses a larger message itself (close code 1009, Message Too Big)
  // before it is all in memory, and a source's limit is its POST body limit.
  const servers = new Map<number, WebSocketServer>();
  let closed = false;
  // ws is loaded at the first client: most instances never see a webhook WebSocket.
  const serverFor = async (limit: number) => {
    const { WebSocketServer } = await import('ws');
    let wss = servers.get(limit);
    if (!wss) servers.set(limit, (wss = new WebSocketServer({ noServer: true, maxPayload: limit, perMessageDeflate: false, clientTracking: true })));
    return wss;
  };

  const serve = (ws: WebSocket, req: IncomingMessage, name: string, query: Record<string, string | string[] | undefined>, path: string) => {
    const remoteAddress = req.socket.remoteAddress ?? '';
    // One message at a time, answered in the order they came.
    let queue = Promise.resolve();
    const answer = (body: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(body));
    };
    const receive = async (raw: Buffer) => {
      try {
        const got = await ingest.receive(name, { remoteAddress, headers: req.headers, query, raw });
        const status = ingest.acceptedStatus(name);
        answer(got.warnings ? { id: got.id, deliveries: got.deliveries, warnings: got.warnings } : { id: got.id, deliveries: got.deliveries });
        deps.onWebhook?.(name, status);
      } catch (e) {
        const err = answerFor(e, logger, { path }, 'unexpected error while handling a WebSocket message');
        deps.onWebhook?.(ingest.source(name) ? name : '', err.status);
        if (err.status < 500) logger.info({ path, status: err.status, error: mask(err.message), websocket: true }, 'message refused');
        const retryAfter = err.headers?.['Retry-After'];
        answer(retryAfter ? { error: mask(err.message), status: err.status, retryAfter: Number(retryAfter) } : { error: mask(err.message), status: err.status });
      }
    };
    let waiting = 0;
    ws.on('message', (data) => {
      if (++waiting > MAX_WAITING) {
        logger.info({ path, remoteAddress }, 'a webhook WebSocket sent too many messages at once: closed');
        ws.close(TRY_AGAIN_LATER, `more than ${MAX_WAITING} messages waiting: send the next after the answers`);
        return;
      }
      const raw = bytesOf(data);
      queue = queue.then(() => receive(raw)).finally(() => waiting--);
    });
    ws.on('error', (e) => logger.debug({ path, error: e.message }, 'a webhook WebSocket failed'));
    logger.debug({ path, remoteAddress }, 'a webhook WebSocket opened');
  };

  return {
    /** Takes the upgrade when it asks for a hook URL; says false for any other path. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const query = q < 0 ? {} : (parseQuery(url.slice(q + 1)) as Record<string, string | string[] | undefined>);
      const hook = sourceOf(path, query);
      if (!hook) return false;
      socket.on('error', () => socket.destroy());
      const name = hook.name;
      try {
        if (!name) throw new HttpError(404, 'no source given: open a WebSocket to /hooks/<source> or /hooks?source=<source>');
        ingest.authenticateConnection(name, { remoteAddress: req.socket.remoteAddress ?? '', headers: req.headers, query });
      } catch (e) {
        const err = answerFor(e, logger, { path }, 'unexpected error while checking a WebSocket client');
        deps.onWebhook?.(name && ingest.source(name) ? name : '', err.status);
        if (err.status < 500) logger.info({ path, status: err.status, error: mask(err.message), websocket: true }, 'request refused');
        refuse(socket, err);
        return true;
      }
      const limit = ingest.source(name)!.bodyLimit ?? config.server.bodyLimit;
      serverFor(limit).then(
        (wss) => {
          if (closed) socket.destroy();
          else wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req, name, query, path));
        },
        // ws could not be loaded: this client is refused, the process goes on.
        (e: unknown) => refuse(socket, answerFor(e, logger, { path }, 'the WebSocket server could not be loaded')),
      );
      return true;
    },
    /** Closes every webhook socket (at stop): a close frame first, then the socket is cut. */
    close() {
      closed = true;
      for (const wss of servers.values()) {
        for (const ws of wss.clients) {
          ws.close(GOING_AWAY, 'hookbot is stopping');
          setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
        }
        wss.close();
      }
    },
  };
}

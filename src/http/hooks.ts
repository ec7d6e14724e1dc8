// The webhook endpoints on a lean route in front of Koa: POST /report, /hooks/<source> and
// /hooks?source=<source> are answered straight from node:http, without Koa's context, middleware
// chain and router for every request. Every other request goes on to Koa.
// Answers as documented: 202 (or the format's own status) after the commit; 400, 401, 403, 404,
// 413, 429, 503 with {"error": …}; 500 only for a bug, logged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Ingest } from '../ingest.js';
import { answerFor } from '../ingest.js';
import { mask } from '../log.js';
import { Admission } from './admission.js';
import { HttpError } from './errors.js';

export interface HookRouteDeps {
  config: Config;
  ingest: Ingest;
  logger: Logger;
  onWebhook?: (source: string, status: number) => void;
}

const JSON_TYPE = 'application/json; charset=utf-8';

const tooLarge = (limit: number) => new HttpError(413, `the body is larger than the limit of ${limit} bytes`, { Connection: 'close' });
const declaredTooLarge = (req: IncomingMessage, limit: number) => Number(req.headers['content-length']) > limit;

/** Reads the body as bytes, refusing more than `limit` with 413 before it is all in memory. */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Gone while it waited for its turn: nothing will come, and no answer can be sent.
    if (req.destroyed) return reject(new HttpError(400, 'the request was aborted'));
    if (declaredTooLarge(req, limit)) return reject(tooLarge(limit));
    (req as ReadingRequest)[READING] = { chunks: [], size: 0, limit, settled: false, resolve, reject };
    req.on('data', onBodyData);
    req.on('end', onBodyEnd);
    // An upload cut short ends in 'close' without 'end' ('aborted' and 'error' come first, and a
    // request emits that 'error' only to a listener of its own: none is needed).
    req.on('close', onBodyAborted);
  });
}

// The read's state rides on the request, and its listeners are the same functions for every
// request (an emitter calls them with itself as `this`): no closures to make per request, and none
// to take off after the end.
const READING = Symbol('body read');
interface BodyRead {
  chunks: Buffer[];
  size: number;
  limit: number;
  /** Answered (the body, or why not): later events change nothing. */
  settled: boolean;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}
type ReadingRequest = IncomingMessage & { [READING]: BodyRead };

function onBodyData(this: ReadingRequest, c: Buffer): void {
  const r = this[READING];
  r.size += c.length;
  if (r.size <= r.limit) r.chunks.push(c);
  else {
    // Refused at once; the rest is read and dropped, so that the answer can go out.
    this.off('data', onBodyData);
    this.resume();
    r.settled = true;
    r.reject(tooLarge(r.limit));
  }
}

function onBodyEnd(this: ReadingRequest): void {
  const r = this[READING];
  r.settled = true;
  r.resolve(r.chunks.length === 1 ? r.chunks[0]! : Buffer.concat(r.chunks, r.size));
}

// 'close' always follows the end: only one before it is an abort.
function onBodyAborted(this: ReadingRequest): void {
  const r = this[READING];
  if (r.settled) return;
  r.settled = true;
  r.reject(new HttpError(400, 'the request was aborted'));
}

/** Answers with a JSON body; the headers go in one writeHead, as a flat list (Node's quickest way). */
function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  const list: (string | number)[] = ['Content-Type', JSON_TYPE, 'Content-Length', Buffer.byteLength(text)];
  if (headers) for (const k in headers) list.push(k, headers[k]!);
  res.writeHead(status, list as unknown as string[]);
  res.end(text);
}

/** Returns a handler that answers the webhook endpoints and says false for anything else. */
export function hookRoute(deps: HookRouteDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { config, ingest, logger } = deps;
  const admission = new Admission(config.server.webhookConcurrency ?? 64);
  // NoneBot's route: the source named `report`, else the first source of format `report`.
  const reportSource =
    (config.sources['report'] ? 'report' : undefined) ?? Object.entries(config.sources).find(([, s]) => (s as { format: string }).format === 'report')?.[0];


  const receive = async (req: IncomingMessage, res: ServerResponse, path: string, name: string | undefined, query: Record<string, string | string[] | undefined>) => {
    let admitted = false;
    try {
      if (!name) throw new HttpError(404, 'no source given: POST /hooks/<source> or /hooks?source=<source>');
      const facts = { remoteAddress: req.socket.remoteAddress ?? '', headers: req.headers, query };
      // The cheap refusals (unknown source, IP allow-list, request rate) before waiting for a turn.
      ingest.admit(name, facts);
      const source = ingest.source(name)!;
      const limit = source.bodyLimit ?? config.server.bodyLimit;
      // A declared length over the limit is refused at once too, not after a wait in a burst.
      if (declaredTooLarge(req, limit)) throw tooLarge(limit);
      const turn = admission.acquire();
      admitted = true;
      if (turn) await turn;
      const raw = await readRequestBody(req, limit);
      const key = req.headers['idempotency-key'];
      const answer = await ingest.receive(name, { remoteAddress: facts.remoteAddress, headers: facts.headers, query, raw, idempotencyKey: typeof key === 'string' && key ? key : undefined });
      const status = ingest.acceptedStatus(name);
      const warnings = (answer as { warnings?: string[] }).warnings;
      send(res, status, warnings ? { id: answer.id, deliveries: answer.deliveries, warnings } : { id: answer.id, deliveries: answer.deliveries }, answer.duplicate ? { 'Idempotent-Replayed': 'true' } : undefined);
      deps.onWebhook?.(name, status);
    } catch (e) {
      const err = answerFor(e, logger, { path }, 'unexpected error while handling a request');
      deps.onWebhook?.(name && ingest.source(name) ? name : '', err.status);
      if (err.status < 500) logger.info({ path, status: err.status, error: mask(err.message) }, 'request refused');
      // The client may be gone (an aborted upload): nothing to answer then.
      if (!res.destroyed && !res.headersSent) send(res, err.status, { error: mask(err.message) }, err.headers);
    } finally {
      if (admitted) admission.release();
    }
  };

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let name: string | undefined;
    if (path === '/report') name = reportSource;
    else if (path.startsWith('/hooks/') && path.indexOf('/', 7) < 0 && path.length > 7) {
      try {
        name = decodeURIComponent(path.slice(7));
      } catch {
        name = path.slice(7);
      }
    } else if (path !== '/hooks') return false;
    if (req.method !== 'POST') {
      // A GET that asks for no upgrade is a WebSocket client gone wrong, or a browser: say both ways.
      send(res, 405, { error: `${req.method} is not allowed here: POST the webhook${req.method === 'GET' ? ', or open a WebSocket to this URL' : ''}` }, { Allow: 'POST' });
      return true;
    }
    const query = q < 0 ? {} : (parseQuery(url.slice(q + 1)) as Record<string, string | string[] | undefined>);
    if (path === '/hooks') name = typeof query['source'] === 'string' ? query['source'] : undefined;
    void receive(req, res, path, name, query);
    return true;
  };
}

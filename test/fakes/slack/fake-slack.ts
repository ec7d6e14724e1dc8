// A protocol-faithful fake Slack: the Web API at /api/<method>, the external upload URL, a
// response_url sink, a Socket Mode WebSocket at /link/, and a control API (in-process and under
// /_fake/) to read what was sent and to script faults.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody, readBody, type ParsedBody } from './body.js';
import { SocketModeServer } from './socket-mode.js';
import { handleMethod } from './web-api.js';

export interface ApiRequest {
  method: string;
  headers: IncomingMessage['headers'];
  fields: Record<string, unknown>;
  files: ParsedBody['files'];
  /** Wall-clock time the request arrived (ms). */
  at: number;
}
export interface PostedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: Record<string, any>[];
}
export interface EphemeralMessage extends PostedMessage {
  user: string;
}
export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  data?: Buffer;
  /** Set by files.completeUploadExternal. */
  shared?: { channel?: string; thread_ts?: string; title?: string; initial_comment?: string };
}
export interface ResponseUrlPost {
  path: string;
  body: Record<string, any>;
}
/** A scripted answer for the next call of a method: a Slack error, or an HTTP status (429 with Retry-After). */
export type Fault = { error: string; errors?: string[] } | { status: 429; retryAfter: number } | { status: number };
export type ChannelState = 'ok' | 'missing' | 'archived' | 'not_member';

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  /** chat.postMessage at most once per `perChannelMs` per channel, else 429 (Slack's "special" tier, ~1/s per channel). */
  rateLimit?: { perChannelMs: number; retryAfterSeconds: number };
  now?: () => number;
}

export class FakeSlack extends EventEmitter {
  readonly botToken: string;
  readonly appToken: string;
  readonly botUserId = 'UHOOKBOT';
  readonly botId = 'BHOOKBOT';
  readonly teamId = 'T0HOOK';
  readonly requests: ApiRequest[] = [];
  readonly messages: PostedMessage[] = [];
  readonly ephemeral: EphemeralMessage[] = [];
  readonly files = new Map<string, UploadedFile>();
  readonly responses: ResponseUrlPost[] = [];
  readonly channels = new Map<string, ChannelState>();
  readonly missingUsers = new Set<string>();
  /** Image URLs Slack cannot download: an image block with one fails the whole message with invalid_blocks. */
  readonly unreachableImages = new Set<string>();
  readonly dms = new Map<string, string>();
  readonly lastPost = new Map<string, number>();
  readonly faults = new Map<string, (Fault | null)[]>();
  rateLimit?: FakeSlackOptions['rateLimit'];
  readonly now: () => number;
  readonly socket: SocketModeServer;
  private server?: Server;
  private seq = 0;
  url = '';

  constructor(opts: FakeSlackOptions = {}) {
    super();
    this.botToken = opts.botToken ?? 'xoxb-fake-bot-token-0123456789';
    this.appToken = opts.appToken ?? 'xapp-fake-app-token-0123456789';
    this.rateLimit = opts.rateLimit;
    this.now = opts.now ?? Date.now;
    this.socket = new SocketModeServer(this);
  }

  /** The Web API base, as `slackApiUrl` wants it. */
  get apiUrl(): string {
    return this.url + '/api/';
  }

  async start(): Promise<{ url: string }> {
    this.server = createServer((req, res) => void this.route(req, res));
    this.server.on('upgrade', (req, socket, head) => this.socket.upgrade(req, socket, head));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    this.socket.close();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  /** Scripts the answer to a later call of `method`: the next one, or the one after `skip` normal calls. */
  failNext(method: string, fault: Fault, skip = 0): void {
    const q = this.faults.get(method) ?? [];
    for (let i = 0; i < skip; i++) q.push(null);
    q.push(fault);
    this.faults.set(method, q);
  }

  setChannel(id: string, state: ChannelState): void {
    this.channels.set(id, state);
  }

  nextTs(): string {
    this.seq += 1;
    return `1700000000.${String(this.seq).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}0FAKE${String(this.seq).padStart(4, '0')}`;
  }

  /** Tells waiters that something was recorded. */
  changed(): void {
    this.emit('change');
  }

  /** Resolves with the first truthy value of `probe`, re-checked whenever the fake records something. */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('change', check);
      };
      this.on('change', check);
      check();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const api = /^\/api\/([\w.]+)$/.exec(path);
      if (api && req.method === 'POST') return await this.api(api[1]!, req, res);
      const upload = /^\/upload\/v1\/(\w+)$/.exec(path);
      if (upload && req.method === 'POST') return await this.upload(upload[1]!, req, res);
      if (path.startsWith('/commands/') && req.method === 'POST') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        this.responses.push({ path, body });
        this.changed();
        return send(res, 200, 'ok', 'text/plain');
      }
      if (path === '/_fake/messages') return send(res, 200, JSON.stringify(this.messages));
      if (path === '/_fake/ephemeral') return send(res, 200, JSON.stringify(this.ephemeral));
      if (path === '/_fake/responses') return send(res, 200, JSON.stringify(this.responses));
      send(res, 404, 'Not Found', 'text/plain');
    } catch (e) {
      send(res, 500, JSON.stringify({ ok: false, error: 'fatal_error', detail: (e as Error).message }));
    }
  }

  private async api(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await parseBody(req);
    this.requests.push({ method, headers: req.headers, fields: body.fields, files: body.files, at: Date.now() });
    const fault = this.faults.get(method)?.shift();
    let answer: { status: number; headers?: Record<string, string>; body: Record<string, unknown> };
    if (fault && 'error' in fault) {
      const details = fault.errors ? { errors: fault.errors, response_metadata: { messages: fault.errors.map((e) => `[ERROR] ${e}`) } } : {};
      answer = { status: 200, body: { ok: false, error: fault.error, ...details } };
    }
    else if (fault && fault.status === 429) answer = ratelimited((fault as { retryAfter: number }).retryAfter);
    else if (fault) answer = { status: fault.status, body: { ok: false, error: 'fatal_error' } };
    else answer = handleMethod(this, method, req, body.fields);
    this.changed();
    send(res, answer.status, JSON.stringify(answer.body), 'application/json; charset=utf-8', answer.headers);
  }

  // Step 2 of the external upload: the bytes, as a multipart `body` part (what web-api sends) or raw.
  private async upload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = this.files.get(id);
    if (!file) return send(res, 404, 'Not Found', 'text/plain');
    const body = await parseBody(req);
    const data = body.files[0]?.data ?? (body.raw.length ? body.raw : undefined);
    if (!data) return send(res, 400, 'no file data', 'text/plain');
    file.data = data;
    this.changed();
    send(res, 200, `OK - ${data.length}`, 'text/plain');
  }
}

export function ratelimited(retryAfterSeconds: number) {
  return { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } };
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json', headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(body);
}

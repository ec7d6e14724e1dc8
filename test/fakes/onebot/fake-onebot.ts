// A protocol-faithful fake OneBot v11 implementation (NapCat by default): the HTTP API hookbot sends
// to, and the reverse-WebSocket client that dials hookbot, sends lifecycle and heartbeat events,
// injects private and group messages, and answers API calls made over the socket. Tests read what
// was sent from `sent` and wait on conditions with `waitFor`.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket } from 'ws';
import { QQ, type Injected, type Outcome, type RiskLimits, type Via } from './actions.js';
import { eventFrames, type MessageOptions } from './events.js';

export type { SentMessage } from './actions.js';
export { TIMEOUT_TEXT, REMOVED_TEXT } from './actions.js';

export interface FakeOneBotOptions {
  token: string;
  selfId?: number;
  /** `napcat`: 403 for a missing or wrong token, failures as HTTP 200 with retcode 200. `spec`: 401/403/404 as the OneBot spec says. */
  mode?: 'napcat' | 'spec';
  users?: number[];
  groups?: number[];
  risk?: Partial<RiskLimits>;
  /** Heartbeat interval on the reverse WebSocket (NapCat's default is 30 s). */
  heartbeatMs?: number;
}

export type AuthStyle = 'bearer' | 'token' | 'query' | 'none';

export class FakeOneBot {
  readonly qq: QQ;
  readonly mode: 'napcat' | 'spec';
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private ws?: WebSocket;
  private heartbeat?: NodeJS.Timeout;
  private readonly changes = new EventEmitter();
  /** Every frame hookbot sent over the reverse WebSocket, parsed. */
  readonly wsReceived: unknown[] = [];
  /** HTTP requests seen: action and the Authorization header. */
  readonly requests: { action: string; auth?: string }[] = [];
  url = '';

  constructor(private readonly opts: FakeOneBotOptions) {
    this.mode = opts.mode ?? 'napcat';
    const risk = { perSecond: 5, chatGapMs: 500, groupPerMinute: 20, ...opts.risk };
    this.qq = new QQ(opts.selfId ?? 2854196310, opts.users ?? [], opts.groups ?? [], risk, () => this.changes.emit('change'));
    this.changes.setMaxListeners(100);
  }

  get sent() {
    return this.qq.sent;
  }

  failNext(action: string, f: Injected): void {
    this.qq.failNext(action, f);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.disconnect();
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => (this.server ? this.server.close(r) : r(undefined)));
  }

  /** Resolves once `cond` holds (checked now and on every change), or rejects after `timeoutMs`. */
  waitFor(cond: () => boolean, timeoutMs = 20_000, what = 'the condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!cond()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake OneBot: timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off('change', check);
      };
      this.changes.on('change', check);
      check();
    });
  }

  // ── HTTP API ──────────────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const action = url.pathname.replace(/^\/+|\/+$/g, '');
    const auth = req.headers['authorization'];
    this.requests.push({ action, auth });
    const json = (status: number, body: unknown): void => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const given = /^Bearer\s+(.+)$/i.exec(auth ?? '')?.[1] ?? url.searchParams.get('access_token') ?? undefined;
    if (given === undefined) return json(this.mode === 'napcat' ? 403 : 401, { message: 'token verify failed!' });
    if (given !== this.opts.token) return json(403, { message: 'token verify failed!' });
    if (action === '' && this.mode === 'napcat') return json(200, { status: 'ok', retcode: 0, data: null, message: 'NapCat4 Is Running', wording: '' });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    delete params['access_token'];
    const type = String(req.headers['content-type'] ?? '');
    if (raw.trim()) {
      if (type.includes('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
      else {
        try {
          Object.assign(params, JSON.parse(raw));
        } catch {
          return void res.writeHead(400, { 'content-type': 'text/plain' }).end('Invalid JSON');
        }
      }
    }
    const injected = this.qq.takeInjected(action);
    if (injected && 'reset' in injected) return void req.socket.destroy();
    if (injected && 'status' in injected) return json(injected.status, { message: `injected ${injected.status}` });
    const outcome = this.qq.run(action, params, 'http', injected);
    if (outcome.kind === 'unknownAction' && this.mode === 'spec') return json(404, { status: 'failed', retcode: 1404 });
    json(200, answer(outcome, 'http'));
  }

  // ── Reverse WebSocket ─────────────────────────────────────────────────────────────────────

  /** Dials hookbot as NapCat does. Resolves `open`, or the HTTP status hookbot refused it with. */
  connect(url: string, o: { auth?: AuthStyle; token?: string; selfId?: string } = {}): Promise<'open' | number> {
    const token = o.token ?? this.opts.token;
    const auth = o.auth ?? 'bearer';
    const headers: Record<string, string> = { 'X-Self-ID': o.selfId ?? String(this.qq.selfId), 'X-Client-Role': 'Universal', 'User-Agent': 'OneBot/11' };
    if (auth === 'bearer') headers['Authorization'] = `Bearer ${token}`;
    if (auth === 'token') headers['Authorization'] = `Token ${token}`;
    const target = auth === 'query' ? `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` : url;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(target, { headers, perMessageDeflate: false, handshakeTimeout: 10_000 });
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      ws.once('error', (e) => (String(e).includes('Unexpected server response') ? undefined : reject(e)));
      ws.once('open', () => {
        this.ws = ws;
        ws.on('message', (data) => this.onFrame(String(data)));
        ws.on('close', () => {
          if (this.ws === ws) this.ws = undefined;
          clearInterval(this.heartbeat);
          this.changes.emit('change');
        });
        this.sendEvent(eventFrames.lifecycle(this.qq.selfId));
        this.startHeartbeats();
        this.changes.emit('change');
        resolve('open');
      });
    });
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Drops the socket without a closing handshake, as a crashed NapCat or a cut network would. */
  disconnect(): void {
    clearInterval(this.heartbeat);
    this.ws?.terminate();
    this.ws = undefined;
  }

  stopHeartbeats(): void {
    clearInterval(this.heartbeat);
  }

  private startHeartbeats() {
    const interval = this.opts.heartbeatMs ?? 30_000;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.sendEvent(eventFrames.heartbeat(this.qq.selfId, interval)), interval);
  }

  sendEvent(frame: unknown): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(text: string): void {
    if (!this.connected) throw new Error('fake OneBot: the reverse WebSocket is not connected');
    this.ws!.send(text);
  }

  /** A private message from `userId`, as NapCat posts it. */
  privateMessage(userId: number, text: string, o: MessageOptions = {}): void {
    this.sendEvent(eventFrames.message(this.qq.selfId, { ...o, type: 'private', userId, text }));
  }

  /** A group message from `userId` in `groupId`; `atSelf` puts an @bot segment first. */
  groupMessage(groupId: number, userId: number, text: string, o: MessageOptions = {}): void {
    this.sendEvent(eventFrames.message(this.qq.selfId, { ...o, type: 'group', groupId, userId, text }));
  }

  private onFrame(text: string) {
    let frame: { action?: unknown; params?: unknown; echo?: unknown };
    try {
      frame = JSON.parse(text);
    } catch {
      return this.ws?.send(JSON.stringify({ status: 'failed', retcode: 1400, data: null, message: 'Invalid JSON', wording: 'Invalid JSON' }));
    }
    this.wsReceived.push(frame);
    const action = typeof frame.action === 'string' ? frame.action : '';
    const injected = this.qq.takeInjected(action);
    if (injected && 'reset' in injected) return this.disconnect();
    const params = frame.params && typeof frame.params === 'object' ? (frame.params as Record<string, unknown>) : {};
    const outcome = this.qq.run(action, params, 'ws', injected);
    this.ws?.send(JSON.stringify({ ...answer(outcome, 'ws'), echo: frame.echo }));
  }
}

/** NapCat's answer for an outcome: over HTTP failures are retcode 200/400, over WS 1200/1400/1404. */
function answer(o: Outcome, via: Via) {
  const fail = (retcode: number, message: string) => ({ status: 'failed', retcode, data: null, message, wording: message });
  switch (o.kind) {
    case 'ok':
      return { status: 'ok', retcode: 0, data: o.data, message: '', wording: '' };
    case 'badParams':
      return fail(via === 'ws' ? 1400 : 400, o.message);
    case 'failed':
      return fail(via === 'ws' ? 1200 : 200, o.message);
    case 'unknownAction':
      return fail(via === 'ws' ? 1404 : 200, `不支持的Api ${o.action}`);
  }
}

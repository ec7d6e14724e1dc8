// A fake Telegram Bot API server (see the platforms reference, §1 and §5): `/bot<token>/<method>`
// with query, JSON, urlencoded and multipart parameters, answering like the real server — HTTP status
// equal to `error_code`, Telegram's error descriptions, its length limits, HTML entity parsing, and 429
// with `retry_after` past the flood limits. Tests drive it in-process: push user commands, read what
// the bot sent, script faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../../src/clock.js';
import { Buckets, type BucketRate } from './limiter.js';
import { readParams, type Params } from './params.js';
import { ApiError, FakeBotMethods, type FakeChat } from './methods.js';

export type { FakeChat, SentMessage } from './methods.js';
export { ApiError } from './methods.js';

export interface FakeLimits {
  /** Per private chat. Telegram: about 1/s. */
  user?: BucketRate;
  /** Per group or channel. Telegram: 20/min, and like every chat no more than about 1/s. */
  group?: BucketRate;
  /** Per bot, all chats together. Telegram: about 30/s. */
  bot?: BucketRate;
}

export const TELEGRAM_LIMITS: Required<FakeLimits> = {
  user: { count: 1, perMs: 1000 },
  group: { count: 20, perMs: 60_000, minGapMs: 1000 },
  bot: { count: 30, perMs: 1000 },
};

export interface FakeTelegramOptions {
  /** Tokens the fake accepts; any other gets 401 Unauthorized. */
  tokens: string[];
  clock?: Clock;
  /** Flood limits; `false` turns them off. Defaults to Telegram's. */
  limits?: FakeLimits | false;
  botUsername?: string;
}

/** A scripted answer for the next call of a method (`*` for any method). */
export type Fault =
  | { status: number; description?: string; retryAfter?: number; migrateTo?: number }
  | { drop: true };

export interface RequestLog {
  method: string;
  token: string;
  params: Record<string, unknown>;
  files: string[];
  status: number;
  /** The fake's clock when the request came in. */
  at: number;
}

export class FakeTelegram extends FakeBotMethods {
  private server?: Server;
  private readonly faults = new Map<string, { fault: Fault; skip: number }[]>();
  private readonly listeners = new Set<() => void>();
  readonly requests: RequestLog[] = [];
  readonly stats = { tooManyRequests: 0, scripted: 0 };
  url = '';

  constructor(readonly opts: FakeTelegramOptions) {
    const clock = opts.clock ?? systemClock;
    const limits = opts.limits === false ? undefined : { ...TELEGRAM_LIMITS, ...opts.limits };
    super(clock, limits, new Buckets(clock), opts.botUsername ?? 'hookbot_test_bot');
  }

  async start(): Promise<{ url: string }> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    this.releasePollers();
    const server = this.server;
    if (!server) return;
    // grammY keeps connections alive; without this, close() waits for them to time out.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  /**
   * A platform outage: `down` resets every connection as it comes (unreachable), `hang` takes every
   * call of `methods` (default: all) and never answers it; `up` ends either (held calls are reset).
   */
  outage(mode: 'down' | 'hang' | 'up', methods?: string[]): void {
    this.outageMode = mode === 'up' ? undefined : { mode, methods: methods?.map((m) => m.toLowerCase()) };
    if (mode === 'up') for (const r of this.held.splice(0)) r.destroy();
  }
  private outageMode?: { mode: 'down' | 'hang'; methods?: string[] };
  private readonly held: ServerResponse[] = [];

  /** Answers a coming call of `method` with `fault`; `after` lets that many calls through first. */
  failNext(method: string, fault: Fault, opts: { after?: number } = {}): void {
    const key = method === '*' ? '*' : method.toLowerCase();
    const list = this.faults.get(key) ?? [];
    list.push({ fault, skip: opts.after ?? 0 });
    this.faults.set(key, list);
  }

  /** How many requests of a method were made (case-insensitive). */
  calls(method: string): RequestLog[] {
    return this.requests.filter((r) => r.method === method.toLowerCase());
  }

  /** Resolves once `cond()` holds, re-checked after every request and pushed update; rejects after `timeoutMs`. */
  waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!cond()) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`fake telegram: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  protected changed(): void {
    for (const l of [...this.listeners]) l();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return this.answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const token = decodeURIComponent(m[1]!);
    const method = m[2]!.toLowerCase();
    let params: Params;
    try {
      params = await readParams(req, url);
    } catch {
      return this.answer(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse request body" });
    }
    const log: RequestLog = { method, token, params: params.values, files: Object.keys(params.files), status: 0, at: this.clock.now() };
    this.requests.push(log);
    const out = this.outageMode;
    if (out && (!out.methods || out.methods.includes(method))) {
      log.status = -1;
      if (out.mode === 'down') req.socket.destroy();
      else this.held.push(res);
      this.changed();
      return;
    }
    const fault = this.opts.tokens.includes(token) ? this.takeFault(method) : undefined;
    if (fault && 'drop' in fault) {
      log.status = -1;
      req.socket.destroy();
      this.changed();
      return;
    }
    let status = 200;
    let body: unknown;
    try {
      if (!this.opts.tokens.includes(token)) throw new ApiError(401, 'Unauthorized');
      if (fault) throw this.faultError(fault);
      const fn = this.method(method);
      if (!fn) throw new ApiError(404, 'Not Found');
      body = { ok: true, result: await fn(params, res) };
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 429) this.stats.tooManyRequests++;
      status = e.code;
      body = { ok: false, error_code: e.code, description: e.description, ...(e.parameters ? { parameters: e.parameters } : {}) };
    }
    log.status = status;
    this.answer(res, status, body);
    this.changed();
  }

  private takeFault(method: string): Fault | undefined {
    for (const key of [method, '*']) {
      const next = this.faults.get(key)?.[0];
      if (!next) continue;
      if (next.skip > 0) {
        next.skip--;
        continue;
      }
      this.stats.scripted++;
      return this.faults.get(key)!.shift()!.fault;
    }
    return undefined;
  }

  private faultError(f: Exclude<Fault, { drop: true }>): ApiError {
    if (f.status === 429) {
      const s = f.retryAfter ?? 1;
      return new ApiError(429, f.description ?? `Too Many Requests: retry after ${s}`, { retry_after: s });
    }
    if (f.migrateTo !== undefined) {
      return new ApiError(400, f.description ?? 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: f.migrateTo });
    }
    return new ApiError(f.status, f.description ?? (f.status >= 500 ? 'Internal Server Error' : 'Bad Request'));
  }

  private answer(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

// What the robot fakes share: a local HTTP server on a free port, the request body read whole,
// JSON answers, a rolling-window counter on an injectable clock, and waiting on a condition.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../../../src/clock.js';

export type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

export class HttpFake {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly listeners = new Set<() => void>();
  url = '';
  port = 0;

  constructor(private readonly handler: Handler) {}

  /** Listens on `port` (0: any free one). Listening again after close() keeps the earlier port. */
  async start(port = this.port): Promise<{ url: string }> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Promise.resolve(this.handler(req, Buffer.concat(chunks), res))
          .catch((e) => {
            if (!res.headersSent) json(res, 500, { error: String(e) });
          })
          .finally(() => this.changed());
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Something arrived: conditions waited on are checked again. */
  changed(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves once `cond()` holds (checked after every request), or fails after `timeoutMs`. */
  waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'the condition'): Promise<void> {
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
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Counts events per key over a rolling window; `penaltyMs` keeps refusing after the limit was hit. */
export class RollingWindow {
  private readonly hits = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    readonly limits: { count: number; windowMs: number }[],
    private readonly penaltyMs = 0,
  ) {}

  /** Records a hit and returns true, or returns false (recording nothing) when over a limit. */
  allow(key: string): boolean {
    const now = this.clock.now();
    if ((this.blockedUntil.get(key) ?? -Infinity) > now) return false;
    const longest = Math.max(...this.limits.map((l) => l.windowMs));
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - longest);
    for (const l of this.limits) {
      if (list.filter((t) => t > now - l.windowMs).length >= l.count) {
        if (this.penaltyMs) this.blockedUntil.set(key, now + this.penaltyMs);
        this.hits.set(key, list);
        return false;
      }
    }
    list.push(now);
    this.hits.set(key, list);
    return true;
  }
}

/** Query parameters as a real server reads them: `+` is a space, %XX decoded. */
export function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://fake').searchParams;
}

export function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://fake').pathname;
}

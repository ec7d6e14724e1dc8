// Connection limits for the HTTP server: how long a client may take to send its headers and its
// whole request, how long an idle keep-alive connection is kept, how many connections are open at
// once and how many requests one connection may carry. Without them a few thousand silent sockets,
// a slowloris or a body trickled a byte a second hold file descriptors for minutes, and once the
// descriptors run out real senders are reset.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import ms from 'ms';
import * as z from 'zod';

/** A duration: "10s", "2m", or a number of milliseconds. */
const duration = (min: number) =>
  z.union([z.number().int(), z.string()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : (ms(v as ms.StringValue) as number | undefined);
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min) {
      ctx.addIssue({ code: 'custom', message: `is not a duration of at least ${ms(min, { long: true })}: write e.g. "10s" or "2m", or a number of milliseconds` });
      return z.NEVER;
    }
    return Math.round(n);
  });

/** The open-file limit leaves room for the store, the bots' connections and the logs. */
const RESERVED_FDS = 128;
const DEFAULT_MAX_CONNECTIONS = 4096;

/** The soft limit on open files (Linux), or undefined where it cannot be read. */
export function openFileLimit(read = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(read());
    return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function defaultMaxConnections(fdLimit = openFileLimit()): number {
  return fdLimit === undefined ? DEFAULT_MAX_CONNECTIONS : Math.max(16, Math.min(DEFAULT_MAX_CONNECTIONS, fdLimit - RESERVED_FDS));
}

/** Keys under `server:`; spread into its schema. */
export const serverLimitsShape = {
  /** The request line and headers must be in within this (a slowloris is closed with 408). */
  headersTimeout: duration(100).default(10_000),
  /** The whole request, body included, must be in within this (a trickled body is cut off with 408). */
  requestTimeout: duration(100).default(60_000),
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeout: duration(100).default(5_000),
  /** Open connections at most; one more is answered 503 and closed. */
  maxConnections: z.number().int().min(1).optional(),
  /** Requests one keep-alive connection may carry; the last is answered with `Connection: close`. */
  maxRequestsPerSocket: z.number().int().min(1).default(1000),
  /**
   * Webhook requests processed at once (read, parsed, waiting for their commit); the others wait
   * on their connection, unread, in arrival order. Bounds memory in a burst without refusing anyone.
   */
  webhookConcurrency: z.number().int().min(1).default(64),
};

export type ServerLimits = { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; maxConnections?: number; maxRequestsPerSocket: number; webhookConcurrency?: number };

/** Options only node:http's constructor takes: how often it looks for timed-out requests. */
export function serverOptions(l: ServerLimits) {
  // Node looks every 30 s by default, which would stretch a 10 s header timeout to 40 s.
  return { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(l.headersTimeout, l.requestTimeout) / 4))) };
}

// Written to a connection over the cap before it is closed: a client sees why, and when to retry.
const REFUSAL_BODY = '{"error":"too many connections; try again later"}\n';
const REFUSAL = `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\n\r\n${REFUSAL_BODY}`;

/**
 * Applies the limits to a server. Returns a test for whether a request's socket was refused (it is
 * being closed: the request must not be handled).
 */
export function applyServerLimits(server: Server, l: ServerLimits, logger: Logger): (socket: Socket) => boolean {
  server.headersTimeout = l.headersTimeout;
  server.requestTimeout = l.requestTimeout;
  server.keepAliveTimeout = l.keepAliveTimeout;
  server.maxRequestsPerSocket = l.maxRequestsPerSocket;
  const cap = l.maxConnections ?? defaultMaxConnections();
  const refused = new WeakSet<Socket>();
  let open = 0;
  let lastWarned = 0;
  server.on('connection', (socket: Socket) => {
    if (open >= cap) {
      refused.add(socket);
      socket.on('error', () => {});
      socket.end(REFUSAL, () => socket.destroy());
      const now = Date.now();
      // Once a minute at most: a flood must not flood the log too.
      if (now - lastWarned > 60_000) {
        lastWarned = now;
        logger.warn({ maxConnections: cap }, 'connection refused: server.maxConnections reached');
      }
      return;
    }
    open++;
    socket.once('close', () => open--);
  });
  return (socket) => refused.has(socket);
}

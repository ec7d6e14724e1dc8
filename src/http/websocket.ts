// WebSocket endpoints adapters serve on hookbot's own port (OneBot's reverse WebSocket). The mount
// decides before the upgrade whether to take a client, so a wrong token is an HTTP 401/403 answer
// and never a socket.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import type { WebSocketMount } from '../bot.js';

// NapCat's own WebSocket client takes frames up to 50 MB; a base64 screenshot in an API answer fits.
const MAX_PAYLOAD = 50 * 1024 * 1024;

function refuse(socket: Duplex, status: number, reason: string) {
  const body = JSON.stringify({ error: reason });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function webSocketMounts(logger: Logger) {
  const mounts = new Map<string, WebSocketMount>();
  let wss: WebSocketServer | undefined;
  let closed = false;
  // ws is loaded at the first client a mount takes: most instances serve no WebSocket.
  const server = async () => (wss ??= new (await import('ws')).WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, perMessageDeflate: false }));
  return {
    add(m: WebSocketMount) {
      if (mounts.has(m.path)) throw new Error(`two bots serve a WebSocket at ${m.path}: give one of them its own path`);
      mounts.set(m.path, m);
    },
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://hookbot');
      } catch {
        return refuse(socket, 400, 'bad request URL');
      }
      const m = mounts.get(url.pathname);
      if (!m) return refuse(socket, 404, `no WebSocket endpoint at ${url.pathname}`);
      let verdict: { status: number; reason: string } | undefined;
      try {
        verdict = m.accept(req, url);
      } catch (e) {
        logger.error({ err: e, path: url.pathname }, 'checking a WebSocket client failed');
        verdict = { status: 500, reason: 'internal error' };
      }
      if (verdict) return refuse(socket, verdict.status, verdict.reason);
      server().then(
        (s) => {
          if (closed) socket.destroy();
          else s.handleUpgrade(req, socket, head, (ws) => m.open(ws, req));
        },
        // ws could not be loaded: this client is refused, the process goes on.
        (e: unknown) => {
          logger.error({ err: e, path: url.pathname }, 'the WebSocket server could not be loaded');
          refuse(socket, 500, 'internal error');
        },
      );
    },
    /** Closes every socket still open (at stop, after the adapters closed theirs). */
    close: () => {
      closed = true;
      if (!wss) return;
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

// The node:http server in front of everything: connection limits, half-closed clients, and client
// errors (aborted uploads, malformed requests) logged as JSON lines instead of Node's default.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { applyServerLimits, serverOptions, type ServerLimits } from './limits.js';

const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADERS_OVERFLOW: '431 Request Header Fields Too Large',
};

export function createListener(limits: ServerLimits, handler: RequestListener, logger: Logger): Server {
  let isRefused: (s: Socket) => boolean = () => false;
  const server = createServer(serverOptions(limits), (req, res) => {
    if (!isRefused(req.socket)) handler(req, res);
  });
  // A client that sends its request and then closes its side (shutdown(SHUT_WR), `nc -N`, some
  // embedded HTTP clients) still reads the answer. Node's default aborts such a request: the event
  // would be stored and delivered while the sender saw no answer and sent it again.
  (server as unknown as { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  isRefused = applyServerLimits(server, limits, logger);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // The sender's own doing (a reset, a malformed or timed-out request): a debug line, not a stack.
    logger.debug({ code: err.code, error: err.message, remoteAddress: socket.remoteAddress }, 'client error');
    if (socket.writable && !socket.destroyed && err.code !== 'ECONNRESET') {
      const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
    } else socket.destroy();
  });
  return server;
}

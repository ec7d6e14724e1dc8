// ws is loaded at the first WebSocket client (src/http/websocket.ts): when it cannot be, that client
// is answered 500 and the process goes on (an unhandled rejection would end it).
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, expect, it, vi } from 'vitest';

vi.mock('ws', () => {
  throw new Error('ws is not installed');
});

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
});

it('answers 500 to an upgrade when ws cannot be loaded', async () => {
  const { webSocketMounts } = await import('../../src/http/websocket.js');
  const sockets = webSocketMounts(pino({ level: 'silent' }));
  sockets.add({ path: '/echo', accept: () => undefined, open: () => {} });
  server = createServer((_req, res) => res.writeHead(200).end('http'));
  server.on('upgrade', sockets.upgrade);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/echo', headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    req.on('response', (res) => resolve(res.statusCode!));
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(500);
});

// WebSocket endpoints on hookbot's own port: the mount decides before the upgrade.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { webSocketMounts } from '../../src/http/websocket.js';

let server: Server;
let sockets: ReturnType<typeof webSocketMounts>;
let base: string;

beforeEach(async () => {
  sockets = webSocketMounts(pino({ level: 'silent' }));
  server = createServer((_req, res) => res.writeHead(200).end('http'));
  server.on('upgrade', sockets.upgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sockets.add({
    path: '/echo',
    accept: (req, url) => (req.headers['authorization'] === 'Bearer right' || url.searchParams.get('access_token') === 'right' ? undefined : { status: 401, reason: 'wrong token' }),
    open: (ws) => ws.on('message', (m) => ws.send(`echo ${m}`)),
  });
});
afterEach(async () => {
  sockets.close();
  await new Promise((r) => server.close(r));
});

/** The HTTP status a refused upgrade was answered with, or 'open'. */
function connect(path: string, headers: Record<string, string> = {}): Promise<{ status: number | 'open'; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base + path, { headers });
    ws.once('open', () => resolve({ status: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode! }));
    ws.once('error', (e) => (String(e).includes('Unexpected server response') ? undefined : reject(e)));
  });
}

describe('WebSocket mounts', () => {
  it.each([
    ['the right token in the header', '/echo', { authorization: 'Bearer right' }, 'open'],
    ['the right token in the query', '/echo?access_token=right', {}, 'open'],
    ['a wrong token', '/echo', { authorization: 'Bearer wrong' }, 401],
    ['a path nobody serves', '/nothing', { authorization: 'Bearer right' }, 404],
  ])('%s → %s', async (_n, path, headers, want) => {
    const { status, ws } = await connect(path, headers as Record<string, string>);
    expect(status).toBe(want);
    ws?.close();
  });

  it('hands an accepted socket to the mount', async () => {
    const { ws } = await connect('/echo', { authorization: 'Bearer right' });
    const reply = new Promise<string>((r) => ws!.once('message', (m) => r(String(m))));
    ws!.send('hi');
    expect(await reply).toBe('echo hi');
    ws!.close();
  });

  it('refuses two mounts at one path', () => {
    expect(() => sockets.add({ path: '/echo', accept: () => undefined, open: () => {} })).toThrow(/two bots serve a WebSocket at \/echo/);
  });
});

// Local proxies that record what went through them: an HTTP proxy (CONNECT tunnels) and a SOCKS5
// proxy without authentication (RFC 1928). Each tunnel is recorded with its target and, as the
// targets here speak plain HTTP, the request lines sent through it (a kept-alive tunnel carries
// several), so a test can tell a REST call (`POST /api/v10/…`) from a WebSocket upgrade (`GET /gw?…`).
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Tunnel {
  /** host:port the client asked for. */
  target: string;
  /** The HTTP request lines the client sent through the tunnel so far, first to last. */
  requests: string[];
}

export interface RecordingProxy {
  url: string;
  tunnels: Tunnel[];
  /** Request lines sent through any tunnel, in the order seen. */
  requests(): string[];
  /** Resolves when `count` request lines match `re` (at once if they already do). */
  waitFor(re: RegExp, count?: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

// Not anchored at the start: a request follows the previous one's body, which ends without a CRLF.
const REQUEST_LINE = /(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/\S* HTTP\/1\.[01]$/;

function relay(client: Socket, host: string, port: number, tunnels: Tunnel[], sockets: Set<Socket>, ready: () => void, onLine: () => void) {
  const t: Tunnel = { target: `${host}:${port}`, requests: [] };
  tunnels.push(t);
  // Lines are cut at CRLF across chunks; a long run without one (a body, WebSocket frames) is dropped.
  let partial = '';
  const sniff = (chunk: Buffer) => {
    const lines = (partial + chunk.toString('latin1')).split('\r\n');
    partial = lines.pop()!;
    if (partial.length > 8192) partial = '';
    const found = lines.flatMap((l) => REQUEST_LINE.exec(l)?.[0] ?? []);
    if (found.length === 0) return;
    t.requests.push(...found);
    onLine();
  };
  client.on('data', sniff);
  const up = connect(port, host, () => {
    ready();
    up.pipe(client).pipe(up);
  });
  sockets.add(up);
  up.on('error', () => client.destroy());
  client.on('error', () => up.destroy());
}

async function start(server: Server, scheme: string, tunnels: Tunnel[], sockets: Set<Socket>, lines: { check: () => void }): Promise<RecordingProxy> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const waiters = new Set<() => void>();
  lines.check = () => waiters.forEach((w) => w());
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    requests: () => tunnels.flatMap((t) => t.requests),
    waitFor: (re, count = 1, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = tunnels.flatMap((t) => t.requests).filter((l) => re.test(l));
          if (hit.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fewer than ${count} requests through the proxy matched ${re} within ${timeoutMs}ms; seen: ${JSON.stringify(tunnels)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** An HTTP proxy that only tunnels (CONNECT host:port, then bytes both ways). */
export function httpProxy(): Promise<RecordingProxy> {
  const tunnels: Tunnel[] = [];
  const sockets = new Set<Socket>();
  const lines = { check: () => {} };
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket) => {
    const [host, port] = String(req.url).split(':');
    relay(client, host!, Number(port), tunnels, sockets, () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'), () => lines.check());
  });
  return start(server, 'http', tunnels, sockets, lines);
}

/** A SOCKS5 proxy without authentication: greeting, CONNECT, then bytes both ways. */
export function socksProxy(scheme: 'socks5' | 'socks5h' = 'socks5h'): Promise<RecordingProxy> {
  const tunnels: Tunnel[] = [];
  const sockets = new Set<Socket>();
  const lines = { check: () => {} };
  const server = createServer((client) => {
    client.once('data', () => {
      client.write(Buffer.from([5, 0]));
      client.once('data', (req) => {
        const atyp = req[3];
        let host: string;
        let at: number;
        if (atyp === 1) [host, at] = [[...req.subarray(4, 8)].join('.'), 8];
        else if (atyp === 3) [host, at] = [req.subarray(5, 5 + req[4]!).toString(), 5 + req[4]!];
        else return void client.destroy();
        relay(client, host, req.readUInt16BE(at), tunnels, sockets, () => client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0])), () => lines.check());
      });
    });
  });
  return start(server, scheme, tunnels, sockets, lines);
}

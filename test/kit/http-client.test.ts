import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { httpClient } from '../../src/kit/http-client.js';
import { httpProxy, socksProxy, type RecordingProxy } from '../helpers/proxies.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The client's port: the same one twice means the connection was kept alive. */
  port: number;
}

let server: Server | undefined;
let proxy: RecordingProxy | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  await proxy?.close();
  proxy = undefined;
});

/** A local server that records each request and answers it with `answer`. */
async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, port: req.socket.remotePort! });
      answer(req, res);
    });
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (status: number, value: unknown, headers: Record<string, string | string[]> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

describe('the kit HTTP client', () => {
  it('sends the method, headers and a string body, and reads the answer as JSON', async () => {
    const s = await serve(json(200, { ok: true, result: 1 }, { 'x-ratelimit-bucket': 'abc', 'set-cookie': ['a=1', 'b=2'] }));
    const res = await httpClient()(`${s.url}/bot/send?x=1`, { method: 'post', headers: { 'Content-Type': 'application/json', 'X-Skip': undefined }, body: '{"a":"é"}' });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.statusText).toBe('OK');
    expect(res.url).toBe(`${s.url}/bot/send?x=1`);
    expect(res.headers.get('X-RateLimit-Bucket')).toBe('abc');
    expect(res.headers.has('x-missing')).toBe(false);
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(Object.fromEntries(res.headers.entries())['content-type']).toBe('application/json');
    expect(res.bodyUsed).toBe(false);
    expect(await res.json()).toEqual({ ok: true, result: 1 });
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(/already read/);
    expect(s.seen[0]).toMatchObject({ method: 'POST', url: '/bot/send?x=1', body: '{"a":"é"}' });
    expect(s.seen[0]!.headers['content-type']).toBe('application/json');
    expect(s.seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')));
    expect(s.seen[0]!.headers['x-skip']).toBeUndefined();
  });

  it('gives a non-2xx answer as an answer, its JSON readable', async () => {
    const s = await serve(json(429, { message: 'slow down', retry_after: 1.5 }, { 'retry-after': '2' }));
    const res = await httpClient()(`${s.url}/x`, { method: 'POST', body: 'x' });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(429);
    expect(res.statusText).toBe('Too Many Requests');
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual({ message: 'slow down', retry_after: 1.5 });
  });

  it('keeps the connection alive between requests of one client, not across clients', async () => {
    const s = await serve(json(200, {}));
    const a = httpClient();
    await (await a(`${s.url}/1`)).text();
    await (await a(`${s.url}/2`)).arrayBuffer();
    await (await httpClient()(`${s.url}/3`)).text();
    expect(s.seen.map((r) => r.url)).toEqual(['/1', '/2', '/3']);
    expect(s.seen[1]!.port).toBe(s.seen[0]!.port);
    expect(s.seen[2]!.port).not.toBe(s.seen[0]!.port);
  });

  it('closes a kept-alive connection once it has been idle for idleMs, and the next request opens one', async () => {
    const s = await serve(json(200, {}));
    // The server would keep it a minute: a close within the test's time is the client's.
    server!.keepAliveTimeout = 60_000;
    const client = httpClient({ idleMs: 50 });
    await (await client(`${s.url}/1`)).text();
    const [socket] = sockets;
    await new Promise((r) => socket!.once('close', r));
    await (await client(`${s.url}/2`)).text();
    expect(s.seen[1]!.port).not.toBe(s.seen[0]!.port);
  }, 3000);

  it('sends bytes, a stream, and form fields', async () => {
    const s = await serve(json(200, {}));
    const c = httpClient();
    await (await c(s.url, { method: 'POST', body: new Uint8Array([104, 105]) })).text();
    await (await c(s.url, { method: 'POST', body: Readable.from([Buffer.from('str'), Buffer.from('eam')]) })).text();
    await (await c(s.url, { method: 'POST', body: new URLSearchParams({ a: '1 2' }) })).text();
    expect(s.seen.map((r) => r.body)).toEqual(['hi', 'stream', 'a=1+2']);
    expect(s.seen[1]!.headers['transfer-encoding']).toBe('chunked');
    expect(s.seen[2]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('sends a FormData as multipart with its boundary', async () => {
    const s = await serve(json(200, {}));
    const form = new FormData();
    form.append('payload_json', '{"a":1}');
    form.append('files[0]', new Blob([Buffer.from('PNGDATA')], { type: 'image/png' }), 'a.png');
    await (await httpClient()(s.url, { method: 'POST', body: form })).text();
    const type = s.seen[0]!.headers['content-type']!;
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    expect(s.seen[0]!.body).toContain('name="payload_json"\r\n\r\n{"a":1}');
    expect(s.seen[0]!.body).toContain('filename="a.png"');
    expect(s.seen[0]!.body).toContain('PNGDATA');
  });

  it('gives up after timeoutMs with a TimeoutError, and the server saw the connection close', async () => {
    let closed!: () => void;
    const gone = new Promise<void>((r) => (closed = r));
    const s = await serve((req) => req.socket.once('close', closed));
    await expect(httpClient({ timeoutMs: 50 })(s.url)).rejects.toMatchObject({ name: 'TimeoutError' });
    await gone;
    expect(s.seen).toHaveLength(1);
  });

  it('bounds the body by the timeout too', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const res = await httpClient({ timeoutMs: 50 })(s.url);
    await expect(res.text()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('stops at the signal with its reason, before and while waiting', async () => {
    const s = await serve(() => {});
    const c = httpClient();
    const ac = new AbortController();
    const pending = c(s.url, { signal: ac.signal });
    await new Promise<void>((r) => server!.once('request', () => r()));
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(c(s.url, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('gives a refused connection as an error with its code', async () => {
    const s = await serve(json(200, {}));
    const url = s.url;
    await new Promise((r) => server!.close(r));
    for (const k of sockets) k.destroy();
    server = undefined;
    await expect(httpClient()(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it.each(['http', 'socks5'] as const)('goes through a %s proxy', async (kind) => {
    const s = await serve(json(200, { via: 'proxy' }));
    proxy = kind === 'http' ? await httpProxy() : await socksProxy('socks5');
    const c = httpClient({ proxy: proxy.url });
    expect(await (await c(`${s.url}/one`, { method: 'POST', body: '{}' })).json()).toEqual({ via: 'proxy' });
    expect(await (await c(`${s.url}/two`)).json()).toEqual({ via: 'proxy' });
    expect(proxy.tunnels.map((t) => t.target)).toEqual([new URL(s.url).host]);
    expect(proxy.requests()).toEqual(['POST /one HTTP/1.1', 'GET /two HTTP/1.1']);
  });
});

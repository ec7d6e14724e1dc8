// readRequestBody against a real node:http server: the whole body, 413 past the limit, and an
// upload the client cut short.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readRequestBody } from '../../../src/http/hooks.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that reads each request's body with `limit` and hands over the outcome. */
function serve(limit: number): Promise<{ port: number; arrived: Promise<void>; next: () => Promise<{ body?: string; error?: { status: number; message: string } }> }> {
  const outcomes: Promise<{ body?: string; error?: { status: number; message: string } }>[] = [];
  let arrived: (() => void) | undefined;
  let firstArrived!: () => void;
  const first = new Promise<void>((r) => (firstArrived = r));
  server = createServer((req: IncomingMessage, res) => {
    outcomes.push(
      readRequestBody(req, limit).then(
        (b) => {
          res.end('ok');
          return { body: b.toString('utf8') };
        },
        (e: { status: number; message: string }) => {
          if (!res.destroyed) res.writeHead(e.status, { Connection: 'close' }).end();
          return { error: { status: e.status, message: e.message } };
        },
      ),
    );
    arrived?.();
    firstArrived();
  });
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server!.address() as AddressInfo).port,
        arrived: first,
        next: async () => {
          if (!outcomes.length) await new Promise<void>((r) => (arrived = r));
          return outcomes.shift()!;
        },
      }),
    ),
  );
}

function post(port: number, chunks: string[]): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/' }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', () => resolve(0));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readRequestBody', () => {
  it('gives the whole body, written in several chunks', async () => {
    const { port, next } = await serve(1024);
    const status = post(port, ['{"a":', '1,"b":', '"two"}']);
    expect(await next()).toEqual({ body: '{"a":1,"b":"two"}' });
    expect(await status).toBe(200);
  });

  it('refuses a body past the limit with 413, without a declared length', async () => {
    const { port, next } = await serve(10);
    const status = post(port, ['0123456789', 'abc']);
    expect(await next()).toEqual({ error: { status: 413, message: 'the body is larger than the limit of 10 bytes' } });
    expect(await status).toBe(413);
  });

  it('refuses an upload cut short with 400', async () => {
    const { port, arrived, next } = await serve(1024);
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"half":');
    // The server is reading the body; then the client goes away.
    await arrived;
    socket.destroy();
    expect(await next()).toEqual({ error: { status: 400, message: 'the request was aborted' } });
  });
});

// The HTTP front (src/server.ts): /healthz and /metrics answered without Koa, matched as the router
// matched them, and the Koa app built on the first other request, with a 500 (not a crash) when it
// cannot be built, and another try at the next request.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as listenOn, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../../src/server.js';
import type { Config } from '../../../src/config.js';
import type { Ingest } from '../../../src/ingest.js';
import { createLogger } from '../../../src/log.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function start(deps: { metrics?: () => Promise<{ contentType: string; body: string }>; api?: () => Promise<Router> }): Promise<number> {
  const config = { server: { bodyLimit: 1024 }, sources: {} } as unknown as Config;
  const ingest = { source: () => undefined } as unknown as Ingest;
  const { handler } = createServer({
    config,
    ingest,
    logger: createLogger('silent'),
    health: () => ({ httpStatus: 200, body: { status: 'ok' } }),
    metrics: deps.metrics ?? (async () => ({ contentType: 'text/plain; version=0.0.4', body: 'hookbot_up 1\n' })),
    api: deps.api,
    // An empty dashboard: unknown paths end in Koa's 404.
    webRoot: mkdtempSync(join(tmpdir(), 'hookbot-front-')),
  });
  server = listenOn(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server!.address() as AddressInfo).port;
}

function call(port: number, method: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTP front', () => {
  it('answers /healthz and /metrics in any case, with a trailing slash or a query, and HEAD without a body', async () => {
    const port = await start({});
    for (const path of ['/healthz', '/HEALTHZ', '/healthz/', '/healthz?probe=1']) {
      expect(await call(port, 'GET', path), path).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: '{"status":"ok"}' });
    }
    expect(await call(port, 'HEAD', '/healthz')).toMatchObject({ status: 200, body: '' });
    expect(await call(port, 'GET', '/Metrics/')).toEqual({ status: 200, type: 'text/plain; version=0.0.4', body: 'hookbot_up 1\n' });
    // Not a probe: handed on (no such route there).
    expect((await call(port, 'GET', '/healthzz')).status).toBe(404);
  });

  it('answers a probe whose request line has an absolute URL (as a proxy sends it), by its path', async () => {
    const port = await start({});
    for (const url of ['http://hookbot.example/healthz', 'HTTP://hookbot.example:8080/HEALTHZ/', 'https://[::1]/healthz?probe=1']) {
      expect(await call(port, 'GET', url), url).toEqual({ status: 200, type: 'application/json; charset=utf-8', body: '{"status":"ok"}' });
    }
    expect(await call(port, 'GET', 'http://hookbot.example/metrics')).toMatchObject({ status: 200, body: 'hookbot_up 1\n' });
    expect((await call(port, 'POST', 'http://hookbot.example/metrics')).status).toBe(405);
    // The host is not the path: handed on (the dashboard's page at `/`, Koa's 404 elsewhere).
    for (const url of ['http://healthz/', 'http://healthz', 'http://hookbot.example/x/healthz']) expect((await call(port, 'GET', url)).body, url).not.toBe('{"status":"ok"}');
  });

  it('answers another method on a probe with 405 and the methods it takes, as the router did', async () => {
    const port = await start({});
    for (const path of ['/healthz', '/metrics']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' });
      expect(res.status, path).toBe(405);
      expect(res.headers.get('allow')).toBe('HEAD, GET');
      expect(await res.json()).toEqual({ error: expect.stringMatching(/GET or HEAD/) });
    }
  });

  it('answers 500 when the metrics cannot be rendered', async () => {
    const port = await start({ metrics: () => Promise.reject(new Error('collect failed')) });
    expect(await call(port, 'GET', '/metrics')).toMatchObject({ status: 500, body: '{"error":"internal error"}' });
  });

  it('answers 500 when the app cannot be built, and builds it again at the next request', async () => {
    let builds = 0;
    const api = async () => {
      if (++builds === 1) throw new Error('the API could not be built');
      const r = new Router();
      r.get('/ping', (ctx) => (ctx.body = { pong: true }));
      return r;
    };
    const port = await start({ api });
    expect(await call(port, 'GET', '/api/ping')).toMatchObject({ status: 500, body: '{"error":"internal error"}' });
    // The probes never needed the app.
    expect((await call(port, 'GET', '/healthz')).status).toBe(200);
    // No apiToken: the API's guard answers, from an app built this time.
    expect((await call(port, 'GET', '/api/ping')).status).toBe(404);
    expect(builds).toBe(2);
  });
});

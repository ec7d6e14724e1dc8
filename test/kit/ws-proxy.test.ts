// The `ws` patch: a socket opened in a proxy context goes through that proxy, also when opened later
// from one of its own callbacks; outside a context, or with an agent of its own, nothing changes.
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { proxyAgent } from '../../src/kit/proxy.js';
import { patchWs, requireWithWsProxy, withoutWsAgent, withWsAgent } from '../../src/kit/ws-proxy.js';
import { httpProxy, socksProxy, type RecordingProxy } from '../helpers/proxies.js';

const require = createRequire(import.meta.url);
const ws = require('ws') as { WebSocket: typeof WsSocket };
const Original = ws.WebSocket;
patchWs(ws);
const Patched = ws.WebSocket;

let server: Server;
let url: string;
let proxies: RecordingProxy[] = [];
const UPGRADE = /^GET \/echo HTTP\/1\.1$/;

beforeAll(async () => {
  server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (s) => s.on('message', (m) => s.send(`echo ${m}`)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
});
afterAll(() => new Promise((r) => server.close(r)));
afterEach(async () => {
  for (const p of proxies) await p.close();
  proxies = [];
});

const proxy = async (make: () => Promise<RecordingProxy> = httpProxy) => {
  const p = await make();
  proxies.push(p);
  return p;
};

/** Opens a socket, sends one message and returns the answer. */
function roundTrip(s: WsSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    s.once('open', () => s.send('hi'));
    s.once('message', (m) => {
      resolve(String(m));
      s.close();
    });
    s.once('error', reject);
  });
}

describe('ws sockets in a proxy context', () => {
  it('patches once, keeping the class usable as before', () => {
    patchWs(ws);
    expect(ws.WebSocket).toBe(Patched);
    expect(Patched).not.toBe(Original);
    expect(Patched.OPEN).toBe(1);
  });

  it.each([
    ['an HTTP proxy (CONNECT)', httpProxy],
    ['a SOCKS5 proxy', () => socksProxy('socks5')],
  ])('go through %s, as the library calls it: new WebSocket(url, [], options)', async (_what, make) => {
    const p = await proxy(make);
    const s = withWsAgent(proxyAgent(p.url), () => new Patched(url, [], { handshakeTimeout: 5000 }));
    expect(await roundTrip(s)).toBe('echo hi');
    expect(p.tunnels.map((t) => t.firstLine)).toEqual(['GET /echo HTTP/1.1']);
    expect(p.tunnels[0]!.target).toBe(new URL(url).host);
  });

  it('go through the proxy when the options come second, new WebSocket(url, options)', async () => {
    const p = await proxy();
    const s = withWsAgent(proxyAgent(p.url), () => new Patched(url, { headers: { 'x-test': '1' } } as never));
    expect(await roundTrip(s)).toBe('echo hi');
    await p.waitFor(UPGRADE);
  });

  it('connect directly outside a context, and from code that left it', async () => {
    const p = await proxy();
    expect(await roundTrip(new Patched(url))).toBe('echo hi');
    const s = withWsAgent(proxyAgent(p.url), () => withoutWsAgent(() => new Patched(url)));
    expect(await roundTrip(s)).toBe('echo hi');
    expect(p.tunnels).toEqual([]);
  });

  it('keep an agent given by the caller', async () => {
    const [context, own] = [await proxy(), await proxy()];
    const s = withWsAgent(proxyAgent(context.url), () => new Patched(url, { agent: proxyAgent(own.url) }));
    expect(await roundTrip(s)).toBe('echo hi');
    expect(context.tunnels).toEqual([]);
    await own.waitFor(UPGRADE);
  });

  it('reconnect through the proxy from a socket callback, long after the call that opened the first one returned', async () => {
    const p = await proxy();
    const second = new Promise<string>((resolve, reject) => {
      withWsAgent(proxyAgent(p.url), () => {
        const first = new Patched(url);
        first.once('open', () => first.close());
        // As a gateway client does on a close: a new socket, opened from the old one's event.
        first.once('close', () => roundTrip(new Patched(url)).then(resolve, reject));
      });
    });
    expect(await second).toBe('echo hi');
    await p.waitFor(UPGRADE, 2);
  });

  it('gives each context its own agent', async () => {
    const [a, b] = [await proxy(), await proxy()];
    const sa = withWsAgent(proxyAgent(a.url), () => new Patched(url));
    const sb = withWsAgent(proxyAgent(b.url), () => new Patched(url));
    expect(await Promise.all([roundTrip(sa), roundTrip(sb)])).toEqual(['echo hi', 'echo hi']);
    expect([a.tunnels.length, b.tunnels.length]).toEqual([1, 1]);
  });
});

describe('loading a library with the patch', () => {
  it('refuses a library that was loaded before, whose WebSocket would connect around the proxy', () => {
    require('@discordjs/collection');
    expect(() => requireWithWsProxy('@discordjs/collection')).toThrow(/@discordjs\/collection was loaded before the ws proxy was installed/);
  });

  it('loads one that was not, and again from the cache', () => {
    const first = requireWithWsProxy<typeof import('@discordjs/ws')>('@discordjs/ws');
    expect(first.WebSocketManager).toBeTypeOf('function');
    expect(requireWithWsProxy('@discordjs/ws')).toBe(first);
  });
});

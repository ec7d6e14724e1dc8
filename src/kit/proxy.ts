// The one proxy module every REST client and every WebSocket goes through: http:// and https://
// proxies by CONNECT, socks5:// (names resolved here) and socks5h:// (names resolved by the proxy).
// Two shapes, because clients take one or the other: a Node `http.Agent` (node-fetch in grammY, the
// `ws` package) and an undici `Dispatcher` (undici's fetch for @slack/web-api, @discordjs/rest).
import type { Agent as NodeAgent } from 'node:http';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import * as z from 'zod';

// The proxy clients (undici alone is hundreds of files) are loaded the first time a proxy is used:
// most installations have none, and `hookbot check` validates proxy URLs without them.
const require = createRequire(import.meta.url);
const undici = () => require('undici') as typeof import('undici');
const socksAgent = () => (require('socks-proxy-agent') as typeof import('socks-proxy-agent')).SocksProxyAgent;
const httpsAgent = () => (require('https-proxy-agent') as typeof import('https-proxy-agent')).HttpsProxyAgent;

const SCHEMES = ['http:', 'https:', 'socks5:', 'socks5h:'];

/** What is wrong with a proxy URL, in words that say what to write; undefined when it is fine. */
export function proxyProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return 'is not a URL: write e.g. http://127.0.0.1:3128 or socks5h://127.0.0.1:1080';
  const u = new URL(url);
  if (!SCHEMES.includes(u.protocol)) return `has scheme '${u.protocol}': use http, https, socks5 or socks5h (e.g. socks5h://127.0.0.1:1080)`;
  if (!u.hostname) return 'names no host: write e.g. http://127.0.0.1:3128';
  return undefined;
}

/** The `proxy` option every platform has. */
export const proxyOption = z.string().superRefine((v, ctx) => {
  const p = proxyProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p });
});

/** A Node agent: for node-fetch (`agent`) and for `ws` WebSockets (`agent`). */
export function proxyAgent(url: string): NodeAgent {
  const problem = proxyProblem(url);
  if (problem) throw new Error(`proxy ${problem}`);
  const protocol = new URL(url).protocol;
  if (protocol === 'socks5:' || protocol === 'socks5h:') return new (socksAgent())(url, { keepAlive: true });
  return new (httpsAgent())(url, { keepAlive: true });
}

/** An undici dispatcher: for fetch (`dispatcher`) and clients built on undici. */
export function proxyDispatcher(url: string, timeoutMs?: number): Dispatcher {
  const problem = proxyProblem(url);
  if (problem) throw new Error(`proxy ${problem}`);
  const u = new URL(url);
  if (u.protocol === 'http:' || u.protocol === 'https:') return new (undici().ProxyAgent)({ uri: url, ...(timeoutMs ? { proxyTls: { timeout: timeoutMs } } : {}) });
  // SOCKS: undici has no SOCKS support of its own; its maintainers suggest a connector that opens
  // the stream through the proxy. socks-proxy-agent opens it (and does TLS for https targets).
  const socks = new (socksAgent())(url, timeoutMs ? { timeout: timeoutMs } : undefined);
  return new (undici().Agent)({
    connect: (opts, callback) => {
      // socks-proxy-agent only emits 'proxy' on, and destroys, the request it is given.
      const req = Object.assign(new EventEmitter(), { destroy() {} });
      const secure = opts.protocol === 'https:' || opts.protocol === 'wss:';
      const port = Number(opts.port) || (secure ? 443 : 80);
      socks
        .connect(req as never, { host: opts.hostname, port, secureEndpoint: secure, servername: opts.servername ?? opts.hostname, ALPNProtocols: ['http/1.1'] } as never)
        .then((socket: Duplex) => callback(null, socket as never))
        .catch((e: Error) => callback(e, null));
    },
  });
}

/** undici's fetch through `dispatcher` (not Node's global fetch, which would load a second undici). */
export function fetchVia(dispatcher: Dispatcher): typeof fetch {
  const { fetch: undiciFetch } = undici();
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) => undiciFetch(input as never, { ...init, dispatcher } as never)) as unknown as typeof fetch;
}

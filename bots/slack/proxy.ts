// The `proxy` option: @slack/web-api 8 sends through `fetch` (it has no `agent` option any more), so
// the proxy is an undici dispatcher: ProxyAgent for http(s) proxies (CONNECT), and for SOCKS an undici
// Agent whose connector opens the tunnel with socks-proxy-agent (socks5h resolves names at the proxy).
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

export const PROXY_SCHEMES = ['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'];

/** Checks a proxy URL; returns a message saying what is wrong, or undefined. */
export function proxyProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `is not a URL: write e.g. http://127.0.0.1:3128 or socks5h://127.0.0.1:1080`;
  }
  if (!PROXY_SCHEMES.includes(u.protocol)) return `has scheme '${u.protocol}': use http, https, socks5 or socks5h`;
  return undefined;
}

export function proxyDispatcher(url: string): Dispatcher {
  const u = new URL(url);
  if (u.protocol === 'http:' || u.protocol === 'https:') return new ProxyAgent(url);
  const socks = new SocksProxyAgent(url);
  return new Agent({
    connect: (opts, callback) => {
      // socks-proxy-agent only emits 'proxy' on and destroys the request it is given.
      const req = Object.assign(new EventEmitter(), { destroy() {} });
      const secure = opts.protocol === 'https:' || opts.protocol === 'wss:';
      const port = Number(opts.port) || (secure ? 443 : 80);
      socks
        .connect(req as never, { host: opts.hostname, port, secureEndpoint: secure, servername: opts.servername ?? opts.hostname } as never)
        .then((socket: Duplex) => callback(null, socket as never))
        .catch((e: Error) => callback(e, null));
    },
  });
}

/** A fetch for WebClient's `fetch` option that goes through the dispatcher. */
export function fetchVia(dispatcher: Dispatcher): typeof fetch {
  // Node's global fetch is undici and takes a `dispatcher` in its init (same major as the package).
  return (input, init) => fetch(input, { ...init, dispatcher } as RequestInit);
}

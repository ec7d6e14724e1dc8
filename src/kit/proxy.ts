// The one proxy module every REST client and every WebSocket goes through: http:// and https://
// proxies by CONNECT, socks5:// (names resolved here) and socks5h:// (names resolved by the proxy).
// One shape, a Node `http.Agent`: the REST clients (http-client.ts, on node:http) and the `ws`
// package both take one.
import type { Agent as NodeAgent } from 'node:http';
import { createRequire } from 'node:module';
import * as z from 'zod';

// The proxy clients are loaded the first time a proxy is used: most installations have none, and
// `hookbot check` validates proxy URLs without them.
const require = createRequire(import.meta.url);
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

/** A Node agent, kept alive: for node:http requests (`agent`) and for `ws` WebSockets (`agent`). */
export function proxyAgent(url: string): NodeAgent {
  const problem = proxyProblem(url);
  if (problem) throw new Error(`proxy ${problem}`);
  const protocol = new URL(url).protocol;
  if (protocol === 'socks5:' || protocol === 'socks5h:') return new (socksAgent())(url, { keepAlive: true });
  return new (httpsAgent())(url, { keepAlive: true });
}

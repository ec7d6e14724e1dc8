// The proxy agent for Bot API calls: grammY's fetch (node-fetch) takes an `agent` in baseFetchConfig.
import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';

/** http(s):// → CONNECT tunnel; socks5:// resolves names locally, socks5h:// through the proxy. */
export function proxyAgent(url: string): Agent {
  const protocol = new URL(url).protocol;
  if (protocol === 'socks5:' || protocol === 'socks5h:') return new SocksProxyAgent(url, { keepAlive: true });
  if (protocol === 'http:' || protocol === 'https:') return new HttpsProxyAgent(url, { keepAlive: true });
  throw new Error(`unsupported proxy protocol '${protocol}': use http, https, socks5 or socks5h`);
}

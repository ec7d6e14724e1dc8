// The undici dispatcher @discordjs/rest sends through when a proxy is configured.
// http(s) proxies: undici's own ProxyAgent (HTTP CONNECT). socks5/socks5h: an undici Agent whose
// connector opens the TCP stream through the `socks` client (the library socks-proxy-agent is built on)
// and then does TLS itself, the approach undici's maintainers recommend for SOCKS.
import { connect as tlsConnect } from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { SocksClient } from 'socks';

export function proxyDispatcher(proxy: string | undefined, timeoutMs: number): Dispatcher | undefined {
  if (!proxy) return undefined;
  const u = new URL(proxy);
  if (u.protocol === 'http:' || u.protocol === 'https:') return new ProxyAgent({ uri: proxy, proxyTls: { timeout: timeoutMs } });
  if (u.protocol === 'socks5:' || u.protocol === 'socks5h:' || u.protocol === 'socks4:') {
    const type = u.protocol === 'socks4:' ? 4 : 5;
    return new Agent({
      connect: (opts, callback) => {
        const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
        // socks5h resolves names at the proxy; socks5 too here, since the proxy is the only route out.
        SocksClient.createConnection({
          proxy: { host: u.hostname, port: Number(u.port) || 1080, type, userId: decodeURIComponent(u.username) || undefined, password: decodeURIComponent(u.password) || undefined },
          destination: { host: opts.hostname, port },
          command: 'connect',
          timeout: timeoutMs,
        }).then(
          ({ socket }) => {
            if (opts.protocol !== 'https:') return callback(null, socket);
            const tls = tlsConnect({ socket, servername: opts.servername ?? opts.hostname, ALPNProtocols: ['http/1.1'] });
            tls.once('secureConnect', () => callback(null, tls));
            tls.once('error', (e) => callback(e, null));
          },
          (e: Error) => callback(e, null),
        );
      },
    });
  }
  throw new Error(`unsupported proxy scheme '${u.protocol}': use http://, https://, socks5:// or socks5h://`);
}

import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { describe, expect, it } from 'vitest';
import { proxyAgent } from '../../src/kit/proxy.js';

describe('the proxy agent for each proxy URL', () => {
  it.each([
    ['http://127.0.0.1:3128', HttpsProxyAgent],
    ['https://proxy.example:443', HttpsProxyAgent],
    ['socks5://127.0.0.1:1080', SocksProxyAgent],
    ['socks5h://user:pw@127.0.0.1:1080', SocksProxyAgent],
  ])('%s', (url, type) => {
    expect(proxyAgent(url)).toBeInstanceOf(type);
  });

  it('resolves names through the proxy only with socks5h', () => {
    expect((proxyAgent('socks5h://127.0.0.1:1080') as SocksProxyAgent).shouldLookup).toBe(false);
    expect((proxyAgent('socks5://127.0.0.1:1080') as SocksProxyAgent).shouldLookup).toBe(true);
  });

  it('refuses other schemes', () => {
    expect(() => proxyAgent('ftp://x:1')).toThrow(/use http, https, socks5 or socks5h/);
  });
});

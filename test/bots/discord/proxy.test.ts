// The REST client goes through the configured proxy: HTTP CONNECT (undici ProxyAgent) and SOCKS5.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { DiscordBot } from '../../../bots/discord/discord.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { ctx, makeBot, message } from './harness.js';

const CH = '400000000000000001';
let fake: FakeDiscord;
let bot: DiscordBot | undefined;
let proxy: Server | HttpServer;
const sockets: Socket[] = [];
const seen: string[] = [];

beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
  seen.length = 0;
});
afterEach(async () => {
  await bot?.stop();
  for (const s of sockets) s.destroy();
  await new Promise((r) => proxy.close(r));
  await fake.stop();
});

const listen = async (s: Server | HttpServer) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
};

// A tunnelling HTTP proxy: CONNECT host:port, then bytes both ways.
function httpProxy(): HttpServer {
  const s = createHttpServer((_req, res) => res.writeHead(405).end());
  s.on('connect', (req, client: Socket) => {
    seen.push(String(req.url));
    const [host, port] = String(req.url).split(':');
    const up = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(client).pipe(up);
    });
    sockets.push(client, up);
  });
  return s;
}

// A SOCKS5 proxy without authentication (RFC 1928): greeting, CONNECT, then bytes both ways.
function socksProxy(): Server {
  return createServer((client) => {
    sockets.push(client);
    client.once('data', () => {
      client.write(Buffer.from([5, 0]));
      client.once('data', (req) => {
        const atyp = req[3];
        let host: string;
        let at: number;
        if (atyp === 1) [host, at] = [[...req.subarray(4, 8)].join('.'), 8];
        else if (atyp === 3) [host, at] = [req.subarray(5, 5 + req[4]!).toString(), 5 + req[4]!];
        else return client.destroy();
        const port = req.readUInt16BE(at);
        seen.push(`${host}:${port}`);
        const up = connect(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          up.pipe(client).pipe(up);
        });
        sockets.push(up);
      });
    });
  });
}

describe('Discord through a proxy', () => {
  it('sends through an HTTP CONNECT proxy', async () => {
    proxy = httpProxy();
    const port = await listen(proxy);
    ({ bot } = makeBot(fake, { proxy: `http://127.0.0.1:${port}` }));
    await bot.send({ chat: CH, kind: 'group' }, message(), ctx());
    expect(fake.sent(CH)).toHaveLength(1);
    expect(seen).toEqual([new URL(fake.url).host]);
  });

  it('sends through a SOCKS5 proxy', async () => {
    proxy = socksProxy();
    const port = await listen(proxy);
    ({ bot } = makeBot(fake, { proxy: `socks5h://127.0.0.1:${port}` }));
    await bot.send({ chat: CH, kind: 'group' }, message(), ctx());
    expect(fake.sent(CH)).toHaveLength(1);
    expect(seen).toEqual([new URL(fake.url).host]);
  });

  it('fails a send as retryable when the proxy is down', async () => {
    proxy = socksProxy();
    const port = await listen(proxy);
    await new Promise((r) => proxy.close(r));
    proxy = createServer();
    await listen(proxy);
    ({ bot } = makeBot(fake, { proxy: `socks5://127.0.0.1:${port}` }));
    const err = await bot.send({ chat: CH, kind: 'group' }, message(), ctx()).catch((e) => e);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/cannot reach Discord/);
  });
});

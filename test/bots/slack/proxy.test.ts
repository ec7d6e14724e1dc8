import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMarkup } from '../../../src/render/markup.js';
import { ctx, message, slackHarness } from './harness.js';

let h: Awaited<ReturnType<typeof slackHarness>>;
let proxy: Server | TcpServer | undefined;
const sockets = new Set<Socket>();
/** Local ports of the proxy's upstream connections. */
const upstreamPorts: number[] = [];
afterEach(async () => {
  await h?.close();
  for (const s of sockets) s.destroy();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  proxy = undefined;
});

function tunnel(client: Socket, host: string, port: number, head: Buffer, reply: Buffer) {
  const upstream = connect(port, host, () => {
    upstreamPorts.push(upstream.localPort!);
    client.write(reply);
    if (head.length) upstream.write(head);
    upstream.pipe(client).pipe(upstream);
  });
  sockets.add(upstream).add(client);
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
}

/** An HTTP CONNECT proxy that records the targets it tunnels to. */
async function connectProxy(seen: string[]): Promise<string> {
  const server = createServer();
  server.on('connect', (req, client: Socket, head) => {
    seen.push(req.url!);
    const [host, port] = req.url!.split(':');
    tunnel(client, host!, Number(port), head, Buffer.from('HTTP/1.1 200 Connection Established\r\n\r\n'));
  });
  proxy = server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A SOCKS5 proxy (RFC 1928, no auth) that records the targets it connects to. */
async function socks5Proxy(seen: string[]): Promise<string> {
  const server = createTcpServer((client) => {
    sockets.add(client);
    client.once('data', () => {
      client.write(Buffer.from([5, 0]));
      client.once('data', (req: Buffer) => {
        let host: string;
        let at: number;
        if (req[3] === 1) {
          host = [...req.subarray(4, 8)].join('.');
          at = 8;
        } else {
          const len = req[4]!;
          host = req.subarray(5, 5 + len).toString();
          at = 5 + len;
        }
        const port = req.readUInt16BE(at);
        seen.push(`${host}:${port}`);
        tunnel(client, host, port, Buffer.alloc(0), Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
      });
    });
  });
  proxy = server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `socks5h://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Slack through a proxy', () => {
  it('sends Web API calls and the Socket Mode WebSocket through an HTTP proxy', async () => {
    const seen: string[] = [];
    const url = await connectProxy(seen);
    h = await slackHarness({ proxy: url, appToken: 'xapp-fake-app-token-0123456789' });
    await h.bot.send({ chat: 'C0OPS', kind: 'group' }, message({ body: parseMarkup('via proxy') }), ctx());
    expect(h.fake.messages).toHaveLength(1);
    await h.bot.start({ onCommand: async () => ({ text: 'pong' }), commands: () => [], mount: () => {} });
    await h.fake.socket.connected();
    const ack = await h.fake.socket.slashCommand({ text: 'ping' });
    expect(ack.payload).toMatchObject({ text: 'pong' });
    const target = new URL(h.fake.url).host;
    expect(new Set(seen)).toEqual(new Set([target]));
    // The WebSocket itself came through the tunnel, not straight from the bot.
    expect(h.fake.socket.peerPorts).toHaveLength(1);
    expect(upstreamPorts).toContain(h.fake.socket.peerPorts[0]);
  });

  it('opens the Socket Mode WebSocket through a SOCKS5 proxy', async () => {
    const seen: string[] = [];
    const url = await socks5Proxy(seen);
    h = await slackHarness({ proxy: url, appToken: 'xapp-fake-app-token-0123456789' });
    await h.bot.start({ onCommand: async () => ({ text: 'pong' }), commands: () => [], mount: () => {} });
    await h.fake.socket.connected();
    expect((await h.fake.socket.slashCommand({ text: 'ping' })).payload).toMatchObject({ text: 'pong' });
    expect(new Set(seen)).toEqual(new Set([new URL(h.fake.url).host]));
    expect(upstreamPorts).toContain(h.fake.socket.peerPorts[0]);
  });

  it('sends Web API calls through a SOCKS5 proxy', async () => {
    const seen: string[] = [];
    const url = await socks5Proxy(seen);
    h = await slackHarness({ proxy: url });
    await h.bot.send({ chat: 'C0OPS', kind: 'group' }, message({ body: parseMarkup('via socks') }), ctx());
    expect(h.fake.messages.map((m) => m.text)).toEqual(['report: report\nvia socks']);
    expect(seen).toEqual([new URL(h.fake.url).host]);
  });
});

// A TCP relay in front of the test database that can be cut, to see what a store does when its
// connections are lost mid-call.
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** A TCP relay to the database that can be cut (connections dropped, new ones refused) and restored. */
export async function cuttableRelay(target: URL): Promise<{ url: string; cut(): Promise<void>; cutAt(text: string): void; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  /** Cut as soon as a client sends this text (a statement), before the database sees it. */
  let cutAt: string | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('data', (chunk: Buffer) => {
          if (cutAt !== undefined && chunk.includes(cutAt)) {
            cutAt = undefined;
            void cut();
          } else upstream.write(chunk);
        });
        upstream.pipe(client);
      });
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const url = new URL(target.toString());
  url.host = `127.0.0.1:${port}`;
  const cut = async () => {
    await new Promise((r) => {
      server.close(r);
      for (const s of sockets) s.destroy();
    });
  };
  return { url: url.toString(), cut, cutAt: (text) => void (cutAt = text), restore: async () => void (await listen(port)), close: cut };
}

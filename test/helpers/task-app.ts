// A local app behind a custom command, as BetterGI's or MoviePilot's HTTP API would be: it records
// each call and answers `{ started: <body.group>, queue: 2 }`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TaskApp {
  /** Each call, in order. */
  calls: { method?: string; body: string }[];
  /** The URL of `path` on the app. */
  url(path: string): string;
  close(): Promise<void>;
}

export async function startTaskApp(): Promise<TaskApp> {
  const calls: TaskApp['calls'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d)).on('end', () => {
      calls.push({ method: req.method, body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ started: JSON.parse(body).group, queue: 2 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    calls,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

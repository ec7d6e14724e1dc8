import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMarkup, plainText } from '../../src/render/markup.js';
import { cmd, makePlane } from './harness.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r).closeAllConnections())));
});

/** A local app behind a webhook (think BetterGI or MoviePilot): records requests, answers with `handler`. */
async function app(handler: (req: Seen, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      handler(s, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const yaml = (commands: string) => `
bots:
  tg: { platform: console, admins: ["42"], users: ["99"] }
commands:
${commands}
`;

describe('custom commands', () => {
  it('renders the request from the args and replies with the reply template', async () => {
    const { seen, base } = await app((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, data: { task: 'domain', queued: 3 } }));
    });
    const { plane, store } = makePlane(
      yaml(`  - name: bgi
    description: Start a BetterGI one-dragon task
    request:
      method: POST
      url: "${base}/api/task?name={{ argv[0] | url_encode }}"
      headers: { Authorization: "Bearer 0123456789abcdef" }
      body: '{"task": {{ argv[0] | json }}, "by": {{ user.id | json }}, "chat": {{ chat.id | json }}, "bot": {{ bot.id | json }}}'
    reply: "{% if json.success %}Queued **{{ json.data.task }}** ({{ json.data.queued }} in line){% else %}Failed: {{ body }}{% endif %}"`),
    );
    const r = await plane.handle(cmd('bgi', 'domain "x y"'));
    expect(r?.text).toBe('Queued **domain** (3 in line)');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/task?name=domain' });
    expect(seen[0]!.headers.authorization).toBe('Bearer 0123456789abcdef');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ task: 'domain', by: '42', chat: '-1001234', bot: 'tg' });
    expect((await store.auditLog(1))[0]).toMatchObject({ command: 'bgi', args: 'domain "x y"', outcome: 'ok' });
  });

  it('escapes values from the answer in the reply, so an app cannot inject markup', async () => {
    const { base } = await app((_req, res) => res.end(JSON.stringify({ title: '**Dune** [x](https://evil.example)' })));
    const { plane } = makePlane(
      yaml(`  - name: search
    admin: false
    request: { method: GET, url: "${base}/search?q={{ args | url_encode }}" }
    reply: "Found: {{ json.title }}"`),
    );
    const r = await plane.handle(cmd('search', 'dune', { userId: '99' }));
    const spans = parseMarkup(r!.text);
    expect(plainText(spans)).toBe('Found: **Dune** [x](https://evil.example)');
    expect(spans).toEqual([{ kind: 'text', text: 'Found: **Dune** [x](https://evil.example)' }]);
  });

  it('by default replies with the status and the first 500 characters of the body', async () => {
    const { seen, base } = await app((_req, res) => res.end('ok:' + 'z'.repeat(2000)));
    const { plane } = makePlane(yaml(`  - name: ping\n    request: { method: GET, url: "${base}/ping?q={{ args | url_encode }}" }`));
    const r = await plane.handle(cmd('ping', 'a b&c'));
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/ping?q=a+b%26c', body: '' });
    const [head, body] = r!.text.split('\n');
    expect(head).toBe('**/ping**: HTTP 200');
    expect(body!.startsWith('ok:zzz')).toBe(true);
    expect(body!.length).toBe(500);
  });

  it('replies the failure for a non-2xx answer', async () => {
    const { base } = await app((_req, res) => {
      res.writeHead(503, 'Service Unavailable');
      res.end('MoviePilot is restarting');
    });
    const { plane, store } = makePlane(yaml(`  - name: mp\n    request: { url: "${base}/api/v1/subscribe" }`));
    const r = await plane.handle(cmd('mp'));
    expect(r?.text).toBe('**/mp** failed: HTTP 503 Service Unavailable\nMoviePilot is restarting');
    // The command ran and answered: the app's refusal is part of the answer, not a plane error.
    expect((await store.auditLog(1))[0]?.outcome).toBe('ok');
  });

  it('replies a timeout when the app never answers', async () => {
    const { seen, base } = await app(() => {
      /* never answers */
    });
    const { plane } = makePlane(yaml(`  - name: slow\n    request: { url: "${base}/slow", timeoutMs: 150 }`));
    const r = await plane.handle(cmd('slow'));
    expect(seen).toHaveLength(1);
    expect(r?.text).toBe(`**/slow**: no answer from \`${new URL(base).host}\` within 150 ms.`);
  });

  it('replies when the app cannot be reached, without the URL path or query (they may hold a key)', async () => {
    const { base } = await app(() => {});
    const { port } = new URL(base);
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    const { plane } = makePlane(yaml(`  - name: down\n    request: { url: "http://127.0.0.1:${port}/api?apikey=s3cr3t-key-value" }`));
    const r = await plane.handle(cmd('down'));
    expect(r?.text).toBe(`**/down**: could not reach \`127.0.0.1:${port}\` (ECONNREFUSED).`);
  });

  it('is an admin command unless the config says admin: false', async () => {
    const { seen, base } = await app((_req, res) => res.end('done'));
    const { plane } = makePlane(yaml(`  - name: run\n    request: { url: "${base}/run" }`));
    expect((await plane.handle(cmd('run', '', { userId: '99' })))?.text).toMatch(/is for admins/);
    expect(seen).toHaveLength(0);
    expect(plane.commandsFor('tg').find((c) => c.name === 'run')).toMatchObject({ admin: true, description: `Calls ${new URL(base).host}` });
  });

  it('refuses at start-up a custom command named like a built-in, or a template that does not parse', () => {
    expect(() => makePlane(yaml(`  - name: status\n    request: { url: "http://127.0.0.1:1/x" }`))).toThrow(
      "commands[0].name: 'status' is a built-in command: choose another name",
    );
    expect(() => makePlane(yaml(`  - name: x\n    request: { url: "http://127.0.0.1:1/x", body: "{{ args " }`))).toThrow(/commands\[0\]\.request\.body: the template does not parse/);
  });
});

describe('custom command URLs', () => {
  it('refuses a URL that is not http(s)', async () => {
    const { plane } = makePlane(yaml(`  - name: peek\n    request: { method: GET, url: "file:///etc/hostname" }`));
    expect((await plane.handle(cmd('peek')))?.text).toBe('**/peek**: the configured URL must be http or https.');
  });
});

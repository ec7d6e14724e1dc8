// Webhooks over a WebSocket, through the real receiver in process: BetterGI's WebSocket notifier
// keeps one socket open and sends each notification as one text message (its BaseNotificationData
// in snake_case: result as "Success", timestamp as "yyyy-MM-dd HH:mm:ss", no send_to, no token of
// its own). Each message is answered like the POST; the token rules are the POST's, checked before
// the upgrade; a bad message gets an error answer and the socket stays usable; a sender that never
// waits for answers is cut off.
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startHookbot, type Hookbot } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import { hookSocketRoute, MAX_WAITING } from '../../src/http/hooks-websocket.js';
import type { Config } from '../../src/config.js';
import type { Ingest } from '../../src/ingest.js';
import { fixture } from '../inbound/helpers.js';

/** BetterGI's screenshots are JPEG. */
const JPEG_BASE64: string = fixture('bettergi', 'domain.end.json').screenshot;

const TOKEN = 'ws-hooks-token-0123456789';
const REPORT_TOKEN = 'ws-report-token-0123456789';
const GH_SECRET = 'ws-github-secret-value';

const config = (dir: string) => `
server: { port: 0, host: 127.0.0.1 }
store: { sqlite: "${dir}/h.db" }
bots:
  console: { platform: console, output: "${dir}/sent.jsonl" }
superusers: [console:boss]
sources:
  bgi: { format: bettergi, token: ${TOKEN}, bodyLimit: 64kb }
  report: { format: report, token: ${REPORT_TOKEN} }
  gh: { format: generic, signature: { scheme: github, secret: ${GH_SECRET} } }
`;

/** What BetterGI's WebSocketNotifier serialises (JsonNamingPolicy.SnakeCaseLower, the class's own converters). */
const notification = (message: string) => ({
  event: 'domain.end',
  result: 'Success',
  timestamp: '2026-08-23 02:44:28',
  screenshot: JPEG_BASE64,
  message,
  data: null,
});

interface Client {
  ws: WebSocket;
  /** The next answer, parsed. */
  next(): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
}

describe('webhooks over a WebSocket', () => {
  let hb: Hookbot;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookbot-hooks-ws-'));
    const file = join(dir, 'hookbot.yaml');
    writeFileSync(file, config(dir));
    hb = await startHookbot({ configFile: file, env: {}, logger: createLogger('silent') });
    base = `ws://127.0.0.1:${hb.port}`;
  });
  afterAll(async () => {
    await hb?.stop();
  });

  /** Opens a socket, or resolves with the HTTP status the upgrade was refused with, and its body. */
  function open(path: string, headers: Record<string, string> = {}): Promise<Client | { status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(base + path, { headers });
      const answers: string[] = [];
      const waiting: ((s: string) => void)[] = [];
      ws.on('message', (m) => {
        const w = waiting.shift();
        if (w) w(String(m));
        else answers.push(String(m));
      });
      const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
      ws.once('open', () =>
        resolve({
          ws,
          closed,
          next: () => new Promise((r) => (answers.length ? r(JSON.parse(answers.shift()!)) : waiting.push((s) => r(JSON.parse(s))))),
        }),
      );
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      ws.once('error', (e) => (String(e).includes('Unexpected server response') ? undefined : reject(e)));
    });
  }
  async function client(path: string, headers: Record<string, string> = {}): Promise<Client> {
    const c = await open(path, headers);
    if (!('ws' in c)) throw new Error(`refused with ${c.status}: ${JSON.stringify(c.body)}`);
    return c;
  }
  async function counts() {
    const states = await hb.store.countByState();
    return { events: (await hb.store.recentEvents(1000)).length, deliveries: Object.values(states).reduce((a, b) => a + b, 0) };
  }
  /** The console bot's lines once `n` of them are there (it writes each delivery once). */
  async function sentLines(n: number): Promise<any[]> {
    const file = join(dir, 'sent.jsonl');
    const read = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
    const deadline = Date.now() + 20_000;
    while (read().length < n) {
      if (Date.now() > deadline) throw new Error(`only ${read().length} of ${n} messages were delivered`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return read();
  }

  it('takes BetterGI notifications on one open socket, answers each like the POST, and delivers them', async () => {
    const c = await client(`/hooks/bgi?token=${TOKEN}`);
    c.ws.send(JSON.stringify(notification('自动秘境结束，共完成 5 次')));
    const first = await c.next();
    expect(first).toEqual({ id: expect.any(String), deliveries: [expect.objectContaining({ target: 'console:boss' })] });
    c.ws.send(JSON.stringify({ ...notification('second run'), timestamp: '2026-08-23 03:00:00' }));
    const second = await c.next();
    expect(second.id).not.toBe(first.id);
    const notice = await hb.store.getNotice(first.id);
    expect(notice).toMatchObject({ source: 'bgi', event: 'domain.end', level: 'success', image: { mime: 'image/jpeg' } });
    const lines = await sentLines(2);
    expect(JSON.stringify(lines)).toContain('自动秘境结束，共完成 5 次');
    expect(JSON.stringify(lines)).toContain('second run');
    c.ws.close(1000);
    expect((await c.closed).code).toBe(1000);
  });

  it('takes the token as a header too, and a body sent as a binary frame', async () => {
    const c = await client('/hooks/bgi', { authorization: `Bearer ${TOKEN}` });
    c.ws.send(Buffer.from(JSON.stringify({ ...notification('binary'), timestamp: '2026-08-23 04:00:00' })));
    expect(await c.next()).toMatchObject({ id: expect.any(String) });
    c.ws.close();
  });

  it.each([
    ['no token', '/hooks/bgi', {}, 401, /a token is required/],
    ['a wrong token', '/hooks/bgi?token=not-the-token-at-all', {}, 403, /^invalid token$/],
    ['a wrong token in the header', '/hooks/bgi', { authorization: 'Bearer not-the-token-at-all' }, 403, /^invalid token$/],
    ['an unknown source', `/hooks/nope?token=${TOKEN}`, {}, 404, /no source 'nope'/],
    ['no source named', `/hooks?token=${TOKEN}`, {}, 404, /no source given/],
    ['a source that checks a signature over each body', '/hooks/gh', {}, 400, /signature over each request's body.*POST/],
  ])('%s is refused at the upgrade (%s)', async (_what, path, headers, status, error) => {
    const before = await counts();
    const r = await open(path, headers as Record<string, string>);
    expect(r).toMatchObject({ status });
    expect((r as { body: { error: string } }).body.error).toMatch(error);
    expect(await counts()).toEqual(before);
  });

  it('answers a plain GET (no upgrade) with 405, naming both ways to send', async () => {
    const res = await fetch(`${base.replace('ws', 'http')}/hooks/bgi?token=${TOKEN}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(((await res.json()) as { error: string }).error).toBe('GET is not allowed here: POST the webhook, or open a WebSocket to this URL');
  });

  it('answers a bad message with an error naming the problem, and the socket stays usable', async () => {
    const c = await client(`/hooks/bgi?token=${TOKEN}`);
    const before = await counts();
    c.ws.send('{"event": "domain.end",');
    expect(await c.next()).toEqual({ status: 400, error: expect.stringMatching(/not valid JSON/) });
    c.ws.send(JSON.stringify({ event: 'domain.end', result: { x: 1 } }));
    expect(await c.next()).toEqual({ status: 400, error: expect.stringMatching(/^result/) });
    c.ws.send('');
    expect(await c.next()).toEqual({ status: 400, error: expect.stringMatching(/the body is empty/) });
    expect(await counts()).toEqual(before);
    c.ws.send(JSON.stringify({ ...notification('after the bad ones'), timestamp: '2026-08-23 05:00:00' }));
    expect(await c.next()).toMatchObject({ id: expect.any(String) });
    c.ws.close();
  });

  it('closes with 1009 (Message Too Big) on a message over the source body limit', async () => {
    const c = await client(`/hooks/bgi?token=${TOKEN}`);
    c.ws.send(JSON.stringify({ ...notification('x'.repeat(100 * 1024)) }));
    expect((await c.closed).code).toBe(1009);
  });

  it('checks a token sent in each message where the format reads one (NoneBot report)', async () => {
    const c = await client('/hooks/report');
    c.ws.send(JSON.stringify({ token: REPORT_TOKEN, title: 't', content: 'with the token' }));
    expect(await c.next()).toMatchObject({ id: expect.any(String) });
    c.ws.send(JSON.stringify({ title: 't', content: 'without it' }));
    expect(await c.next()).toEqual({ status: 401, error: expect.stringMatching(/a token is required/) });
    c.ws.send(JSON.stringify({ token: 'not-the-token-at-all', content: 'wrong' }));
    const wrong = await c.next();
    expect(wrong).toEqual({ status: 403, error: 'invalid token' });
    c.ws.close();
  });

  it('closes open sockets with 1001 when hookbot stops', async () => {
    const c = await client(`/hooks/bgi?token=${TOKEN}`);
    const stopped = hb.stop();
    expect(await c.closed).toMatchObject({ code: 1001 });
    await stopped;
  });
});

describe('a webhook socket that sends without waiting for answers', () => {
  it(`is closed with 1013 (Try Again Later) past ${MAX_WAITING} messages waiting`, async () => {
    // An ingest whose commits never finish: every message after the first waits its turn.
    const received: Buffer[] = [];
    const ingest = {
      authenticateConnection: () => undefined,
      source: () => ({}),
      acceptedStatus: () => 202,
      receive: (_name: string, req: { raw: Buffer }) => {
        received.push(req.raw);
        return new Promise(() => {});
      },
    } as unknown as Ingest;
    const route = hookSocketRoute({ config: { server: { bodyLimit: 1024 } } as unknown as Config, ingest, logger: createLogger('silent') });
    const server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => route.upgrade(req, socket, head) || socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/bgi`);
      await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      for (let i = 0; i <= MAX_WAITING; i++) ws.send(`{"n":${i}}`);
      expect(await closed).toBe(1013);
      // One at a time: only the first reached the ingest.
      expect(received.map(String)).toEqual(['{"n":0}']);
    } finally {
      route.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

// The real process against abusive and unusual clients (issue 15 items 6, 7, 9): a client that
// half-closes after sending, a flood of silent connections past the cap, a slowloris, a trickled
// body, and aborted uploads, while a real sender keeps being served and stderr stays JSON.
import { connect, type Socket } from 'node:net';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const TOKEN = 'conn-test-token-0123456789';
const CAP = 20;

let hb: RunningHookbot;

beforeAll(async () => {
  hb = await spawnHookbot({
    startTimeoutMs: 120_000,
    config: `
server: { port: {{port}}, host: 127.0.0.1, headersTimeout: 2s, requestTimeout: 3s, keepAliveTimeout: 4s, maxConnections: ${CAP}, maxRequestsPerSocket: 5 }
store: { sqlite: "{{dir}}/h.db" }
bots: { console: { platform: console } }
superusers: [console:me]
sources:
  report: { format: report, token: ${TOKEN} }
`,
  });
}, 150_000);

afterAll(async () => {
  await hb?.stop();
});

const report = (title: string) => JSON.stringify({ token: TOKEN, title, content: 'x' });

function rawRequest(title: string): string {
  const body = report(title);
  return `POST /report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** A raw connection: what it received, and when (ms after opening) it was closed. */
function open(port: number): Promise<{ socket: Socket; closed: Promise<{ data: string; afterMs: number }> }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8').on('data', (d: string) => (data += d));
    socket.on('error', () => {});
    const closed = new Promise<{ data: string; afterMs: number }>((r) => socket.once('close', () => r({ data, afterMs: Date.now() - start })));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

function post(agent: Agent, title: string): Promise<{ status: number; connection?: string }> {
  return new Promise((resolve, reject) => {
    const body = report(title);
    const req = request({ host: '127.0.0.1', port: hb.port, path: '/report', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('connections', () => {
  it('answers a client that closes its side right after sending, and stores the event once', async () => {
    const c = await open(hb.port);
    c.socket.end(rawRequest('half-closed sender'));
    const { data } = await c.closed;
    expect(data).toMatch(/^HTTP\/1\.1 202 /);
    const id = /"id":"(evt_[^"]+)"/.exec(data)?.[1];
    expect(id).toBeDefined();
    await hb.waitForOutput('half-closed sender', 60_000);
  });

  it('refuses connections past the cap with 503, closes silent ones at the header timeout, and keeps serving a real sender', async () => {
    const sender = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await post(sender, 'before the flood')).status).toBe(202);

    // Twice the cap of connections that never say a word.
    const flood = await Promise.all(Array.from({ length: CAP * 2 }, () => open(hb.port)));
    const during = [];
    for (let i = 0; i < 3; i++) during.push(await post(sender, `during the flood ${i}`));
    expect(during.map((r) => r.status)).toEqual([202, 202, 202]);

    const ends = await Promise.all(flood.map((f) => f.closed));
    const refused = ends.filter((e) => e.data.startsWith('HTTP/1.1 503 '));
    const timedOut = ends.filter((e) => e.data.startsWith('HTTP/1.1 408 '));
    // Every flood connection was refused at once or closed at the header timeout. (How many of
    // each depends on how fast the machine opens them: a slot freed by a timeout is taken again.)
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.data).toMatch(/Retry-After: 1[\s\S]*too many connections/);
    expect(refused.length + timedOut.length).toBe(CAP * 2);
    // 2 s header timeout: far under Node's own (60 s, checked every 30 s), even on a busy machine.
    for (const e of timedOut) expect(e.afterMs).toBeLessThan(20_000);
    sender.destroy();
    await hb.waitForOutput('during the flood 2', 60_000);
  });

  it('closes a slowloris within the header timeout', async () => {
    const c = await open(hb.port);
    const lines = ['POST /report HTTP/1.1\r\n', 'Host: x\r\n', 'Content-Type: application/json\r\n'];
    let i = 0;
    // One header byte every 100 ms, for ever: the server must not wait for the end of the headers.
    const drip = setInterval(() => {
      const all = lines.join('') + 'X-Slow: ' + 'a'.repeat(10_000);
      if (!c.socket.destroyed) c.socket.write(all[i++ % all.length]!);
    }, 100);
    const end = await c.closed.finally(() => clearInterval(drip));
    expect(end.data).toMatch(/^HTTP\/1\.1 408 /);
    expect(end.afterMs).toBeLessThan(20_000);
  });

  it('cuts off a body trickled in byte by byte at the request timeout, storing nothing', async () => {
    const c = await open(hb.port);
    const body = report('trickled body');
    c.socket.write(`POST /report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    let i = 0;
    const drip = setInterval(() => {
      if (!c.socket.destroyed && i < body.length - 1) c.socket.write(body[i++]!);
    }, 100);
    const end = await c.closed.finally(() => clearInterval(drip));
    expect(end.data).not.toMatch(/^HTTP\/1\.1 202 /);
    // 3 s request timeout; the whole body would have taken more than a minute.
    expect(end.afterMs).toBeLessThan(30_000);
    expect(hb.output()).not.toContain('trickled body');
  });

  it('closes a keep-alive connection after its request limit, saying so', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post(agent, `keep-alive ${i}`));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(answers.slice(0, 4).map((a) => a.connection)).toEqual(['keep-alive', 'keep-alive', 'keep-alive', 'keep-alive']);
    expect(answers[4]!.connection).toBe('close');
    agent.destroy();
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const c = await open(hb.port);
    c.socket.write(rawRequest('then idle'));
    const { data, afterMs } = await c.closed;
    expect(data).toMatch(/^HTTP\/1\.1 202 [\s\S]*Keep-Alive: timeout=4/);
    expect(afterMs).toBeLessThan(30_000);
  });

  it('logs aborted uploads as JSON lines, never a raw stack trace on stderr', async () => {
    const before = hb.logs().length;
    for (let i = 0; i < 4; i++) {
      const c = await open(hb.port);
      c.socket.write(`POST /report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"title":"aborted ${i}",`);
      // Half of them end politely (FIN), half reset the connection (RST).
      if (i % 2) c.socket.resetAndDestroy();
      else c.socket.destroy();
      await c.closed;
    }
    await hb.waitForLog(/(the request was aborted[\s\S]*){4}/, 60_000);
    // A request after them, so anything the aborts printed late is in too.
    const c = await open(hb.port);
    c.socket.end(rawRequest('after the aborts'));
    await c.closed;
    await hb.waitForOutput('after the aborts', 60_000);
    const lines = hb.logs().slice(before).split('\n').filter((l) => l.trim() !== '');
    for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    expect(hb.logs()).not.toMatch(/^\s+at /m);
  });
});

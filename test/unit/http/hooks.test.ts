// The webhook endpoints' lean route (src/http/hooks.ts): the documented answers, without Koa.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookbot, type Hookbot } from '../../../src/main.js';
import { ManualClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/log.js';

const TOKEN = 'lean-route-token-0123456789';
let hb: Hookbot;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-hooks-'));
  const file = join(dir, 'hookbot.yaml');
  writeFileSync(
    file,
    `server: { port: 0, host: 127.0.0.1, bodyLimit: 1kb }\nstore: { sqlite: "${dir}/h.db" }\nbots: { console: { platform: console, output: "${dir}/sent.jsonl" } }\nsuperusers: [console:boss]\nsources:\n  report: { format: report, token: ${TOKEN} }\n`,
  );
  hb = await startHookbot({ configFile: file, env: {}, clock: new ManualClock(Date.UTC(2026, 0, 1)), logger: createLogger('silent') });
});
afterAll(async () => {
  await hb?.stop();
});

/** One request; `chunks` are written one by one (chunked encoding unless a content-length is given). */
function send(method: string, path: string, chunks: string[] = [], headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: hb.port, method, path, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: Koa's own pages */
        }
        resolve({ status: res.statusCode!, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('the webhook route', () => {
  it('answers 202 with JSON after the commit, and a repeat with Idempotent-Replayed', async () => {
    const body = JSON.stringify({ token: TOKEN, title: 'lean', content: 'route' });
    const first = await send('POST', '/report', [body], { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.body).toMatchObject({ id: expect.stringMatching(/^evt_/), deliveries: [{ target: 'console:boss', state: 'pending' }] });
    const again = await send('POST', '/report', [body], { 'idempotency-key': 'k-1' });
    expect(again).toMatchObject({ status: 202, body: { id: first.body.id } });
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses a declared body over the limit with 413 before reading it', async () => {
    const r = await send('POST', `/report?token=${TOKEN}`, ['x'.repeat(2000)], { 'content-length': '2000' });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/larger than the limit of 1024 bytes/);
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const r = await send('POST', `/report?token=${TOKEN}`, ['{"title":"', 'x'.repeat(600), 'x'.repeat(600), '"}']);
    expect(r.status).toBe(413);
  });

  it('names the missing source, and answers other methods 405', async () => {
    expect(await send('POST', '/hooks/nosuch', ['{}'])).toMatchObject({ status: 404, body: { error: "no source 'nosuch' is configured" } });
    expect(await send('POST', '/hooks', ['{}'])).toMatchObject({ status: 404, body: { error: expect.stringMatching(/no source given/) } });
    const get = await send('GET', '/report');
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST');
  });

  it('leaves every other path to the app behind it', async () => {
    expect((await send('GET', '/healthz')).status).toBe(200);
    expect((await send('GET', '/hooksx')).status).toBe(404);
  });
});

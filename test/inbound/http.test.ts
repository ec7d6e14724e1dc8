// Bad input through the real receiver (in process, on an injected clock): each request gets a 4xx
// with a message that names the problem, or a degraded notice — never a 500 — and a refused
// request stores no event and no delivery. Also the answers senders insist on: Volcengine's 200,
// MoviePilot's `/hooks?source=…&token=…`, a BetterGI screenshot over the server's default body limit.
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startHookbot, type Hookbot } from '../../src/main.js';
import { ManualClock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';
import { PNG } from '../helpers/images.js';
import { fixture, NOW } from './helpers.js';

const TOKEN = 'http-inbound-token-0123456789';
const VOLC_KEY = 'volc-http-key-primary';
const GH_SECRET = 'http-github-secret-value';
const SW_SECRET = 'whsec_' + Buffer.from('http standard webhooks key!').toString('base64');
const SEC = Math.floor(NOW / 1000);

const config = (dir: string) => `
server: { port: 0, host: 127.0.0.1 }
store: { sqlite: "${dir}/h.db" }
bots:
  console: { platform: console, output: "${dir}/sent.jsonl" }
superusers: [console:boss]
sources:
  bgi: { format: bettergi, token: ${TOKEN} }
  rec: { format: onelive, token: ${TOKEN} }
  volc: { format: volcengine, keys: [${VOLC_KEY}] }
  gh: { format: generic, signature: { scheme: github, secret: ${GH_SECRET} } }
  sw: { format: generic, signature: { scheme: standard-webhooks, secret: "${SW_SECRET}" } }
  mp: { format: moviepilot, token: ${TOKEN} }
  gen: { format: generic, token: ${TOKEN} }
  report: { format: report, token: ${TOKEN} }
`;

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const volcSign = (t: number) => createHash('md5').update(VOLC_KEY + t).digest('hex');
const ghSig = (body: Buffer, secret = GH_SECRET) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
const swHeaders = (body: Buffer, at: number, id = 'msg_1') => ({
  'webhook-id': id,
  'webhook-timestamp': String(at),
  'webhook-signature': new Webhook(SW_SECRET).sign(id, new Date(at * 1000), body.toString()),
});
function nested(depth: number, head = '"type":"error","data":{"error":"deep",', tail = '}'): Buffer {
  return Buffer.from(`{${head}"x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}${tail}}`);
}
function manyKeys(n: number): Buffer {
  const o: Record<string, unknown> = { title: 'wide' };
  for (let i = 0; i < n; i++) o[`k${i}`] = i;
  return json(o);
}

interface Case {
  what: string;
  path: string;
  body: Buffer;
  headers?: Record<string, string>;
  status: number;
  /** The error message, for refusals. */
  error?: RegExp;
  /** Whether a new event is stored. */
  stored: boolean;
}

const bad = (what: string, path: string, body: Buffer, status: number, error: RegExp, headers?: Record<string, string>): Case => ({ what, path, body, headers, status, error, stored: false });

const CASES: Case[] = [
  bad('a wrong type', `/hooks/bgi?token=${TOKEN}`, json({ event: 'domain.end', result: { x: 1 } }), 400, /^result/),
  bad('a missing field', `/hooks/rec?key=${TOKEN}`, json({ id: 'm1', data: {} }), 400, /^type: must be the event type/),
  bad('a list instead of an object', `/hooks/rec?key=${TOKEN}`, json([1, 2]), 400, /the body must be a JSON object/),
  bad('broken JSON', `/hooks/rec?key=${TOKEN}`, Buffer.from('{"type": "live_start",'), 400, /not valid JSON/),
  bad('an empty body', `/hooks/rec?key=${TOKEN}`, Buffer.alloc(0), 400, /the body is empty/),
  bad('invalid UTF-8', `/hooks/rec?key=${TOKEN}`, Buffer.concat([Buffer.from('{"type":"error","data":{"error":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]), 400, /not valid UTF-8/),
  bad('10 MB over the default body limit', `/hooks/rec?key=${TOKEN}`, json({ id: 'big', type: 'error', data: { error: 'x'.repeat(10 * 1024 * 1024) } }), 413, /larger than the limit of 1048576 bytes/),
  bad('no token', '/hooks/rec', json(fixture('onelive', 'error.json')), 401, /a token is required/),
  bad('a wrong token', '/hooks/rec?key=not-the-token-at-all', json(fixture('onelive', 'error.json')), 403, /^invalid token$/),
  bad('an unknown source', `/hooks/nope?token=${TOKEN}`, json({}), 404, /no source 'nope'/),
  bad('a wrong signature', '/hooks/gh', json({ title: 'push' }), 403, /X-Hub-Signature-256 signature does not match/, { 'x-hub-signature-256': ghSig(json({ title: 'other' })) }),
  bad('a signature under another secret', '/hooks/gh', json({ title: 'push' }), 403, /does not match/, { 'x-hub-signature-256': ghSig(json({ title: 'push' }), 'another-secret-value') }),
  bad('an expired signed timestamp', '/hooks/sw', json({ title: 'late' }), 403, /600 s old, more than the 300 s allowed/, swHeaders(json({ title: 'late' }), SEC - 600)),
  bad('an expired Volcengine sign', '/hooks/volc', json({ ...fixture('volcengine', 'push_start.flat.json'), t: SEC - 120, sign: volcSign(SEC - 120) }), 403, /^t: the sign has expired/),
  bad('a Volcengine sign from another key', '/hooks/volc', json({ ...fixture('volcengine', 'push_start.flat.json'), t: SEC + 600, sign: createHash('md5').update('other' + (SEC + 600)).digest('hex') }), 403, /^sign: invalid sign/),
  bad('an unsigned Volcengine callback without the token', '/hooks/volc', json(fixture('volcengine', 'push_start.byteplus-envelope.json')), 403, /has no token configured/),
  bad('no source named', `/hooks?token=${TOKEN}`, json({}), 404, /no source given/),
  { what: 'a screenshot that is not base64', path: `/hooks/bgi?token=${TOKEN}`, body: json({ event: 'domain.end', result: 0, screenshot: '%%%not base64%%%' }), status: 202, stored: true },
  { what: 'a 10 MB message (BetterGI takes big bodies without a bodyLimit)', path: `/hooks/bgi?token=${TOKEN}`, body: json({ event: 'task.error', message: 'm'.repeat(10 * 1024 * 1024) }), status: 202, stored: true },
  { what: 'deep nesting (onelive)', path: `/hooks/rec?key=${TOKEN}`, body: nested(100_000), status: 202, stored: true },
  { what: 'deep nesting (generic)', path: `/hooks/gen?token=${TOKEN}`, body: nested(100_000, '"title":"deep",', ''), status: 202, stored: true },
  { what: 'deep nesting (report)', path: `/report?token=${TOKEN}`, body: nested(100_000, '"content":"deep",', ''), status: 202, stored: true },
  { what: '60 000 keys in one object (generic)', path: `/hooks/gen?token=${TOKEN}`, body: manyKeys(60_000), status: 202, stored: true },
  // Delivered to the superusers with a warning rather than lost (test/routing/bad-targets.test.ts).
  { what: 'a report with a malformed target', path: `/report?token=${TOKEN}`, body: json({ content: 'x', send_to: ['telegram:'] }), status: 202, stored: true },
  { what: 'a real U+FFFD in the text', path: `/hooks/rec?key=${TOKEN}`, body: json({ id: 'fffd', type: 'error', data: { error: 'bad byte \uFFFD in the log' } }), status: 202, stored: true },
];

describe('the receiver and bad input', () => {
  let hb: Hookbot;
  let url: string;
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-inbound-http-'));
    const file = join(dir, 'hookbot.yaml');
    writeFileSync(file, config(dir));
    hb = await startHookbot({ configFile: file, env: {}, clock, logger: createLogger('silent') });
    url = `http://127.0.0.1:${hb.port}`;
  });
  afterAll(async () => {
    await hb?.stop();
  });

  async function post(path: string, body: Buffer, headers: Record<string, string> = {}) {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, headers: res.headers, body: (await res.json()) as { error?: string; id?: string } };
  }
  async function stored() {
    const states = await hb.store.countByState();
    return { events: (await hb.store.recentEvents(1000)).length, deliveries: Object.values(states).reduce((a, b) => a + b, 0) };
  }

  it.each(CASES)('$what → $status', async (c) => {
    const before = await stored();
    const res = await post(c.path, c.body, c.headers);
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    const after = await stored();
    if (c.error) expect(res.body.error).toMatch(c.error);
    if (c.stored) {
      expect(after.events).toBe(before.events + 1);
      expect(after.deliveries).toBeGreaterThan(before.deliveries);
    } else {
      expect(after).toEqual(before);
    }
    for (const secret of [TOKEN, VOLC_KEY, GH_SECRET, SW_SECRET]) expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it('a degraded screenshot is stored without its image, with a note saying why', async () => {
    const res = await post(`/hooks/bgi?token=${TOKEN}`, json({ event: 'domain.end', result: 0, screenshot: 'bm90IGFuIGltYWdl', message: 'degraded' }));
    expect(res.status).toBe(202);
    const n = await hb.store.getNotice(res.body.id!);
    expect(n?.image).toBeUndefined();
    expect(n?.imageNote).toBe('the screenshot was not a PNG, JPEG, WebP or GIF image and was left out');
  });

  it('a screenshot bigger than the server default body limit gets through on a bettergi source', async () => {
    // 3 MiB of real PNG (padding after IEND is ignored by decoders), 4 MiB as base64.
    const big = Buffer.concat([PNG, Buffer.alloc(3 * 1024 * 1024)]);
    const res = await post(`/hooks/bgi?token=${TOKEN}`, json({ event: 'domain.end', result: 0, screenshot: big.toString('base64') }));
    expect(res.status).toBe(202);
    expect((await hb.store.getNotice(res.body.id!))?.image).toMatchObject({ mime: 'image/png' });
  });

  it('a replayed id is answered like the first time and stores nothing new', async () => {
    const body = json({ ...fixture('onelive', 'live_end.json'), id: 'replayed-1' });
    const first = await post(`/hooks/rec?key=${TOKEN}`, body);
    expect(first.status).toBe(202);
    const before = await stored();
    const again = await post(`/hooks/rec?key=${TOKEN}`, body);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await stored()).toEqual(before);
  });

  it('a signed message replayed inside the tolerance is a duplicate of the first (generic reads its id)', async () => {
    const body = json({ id: 'sw-evt-1', title: 'invoice.paid' });
    const h = swHeaders(body, SEC - 10);
    const first = await post('/hooks/sw', body, h);
    expect(first.status).toBe(202);
    const before = await stored();
    const again = await post('/hooks/sw', body, h);
    expect(again.body.id).toBe(first.body.id);
    expect(await stored()).toEqual(before);
  });

  it('a GitHub retry (same X-GitHub-Delivery) is one event; a new delivery of the same body is another', async () => {
    const body = json({ title: 'push', text: '3 commits' });
    const h = (d: string) => ({ 'x-hub-signature-256': ghSig(body), 'x-github-delivery': d });
    const first = await post('/hooks/gh', body, h('d-1'));
    expect(first.status).toBe(202);
    const before = await stored();
    const retry = await post('/hooks/gh', body, h('d-1'));
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await stored()).toEqual(before);
    const next = await post('/hooks/gh', body, h('d-2'));
    expect(next.body.id).not.toBe(first.body.id);
    expect((await stored()).events).toBe(before.events + 1);
  });

  it('a Standard Webhooks message with no id in its body is deduplicated on webhook-id', async () => {
    const body = json({ title: 'no id in here' });
    const first = await post('/hooks/sw', body, swHeaders(body, SEC, 'msg_noid'));
    const before = await stored();
    const again = await post('/hooks/sw', body, swHeaders(body, SEC + 5, 'msg_noid'));
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(await stored()).toEqual(before);
  });

  it('bettergi: the same request twice is one event; the next notification (a new timestamp) is another', async () => {
    const body = { event: 'domain.end', result: 0, message: 'done', timestamp: '2026-03-11T16:00:00.1234567+08:00' };
    const first = await post(`/hooks/bgi?token=${TOKEN}`, json(body));
    const before = await stored();
    const copy = await post(`/hooks/bgi?token=${TOKEN}`, json(body));
    expect(copy.body.id).toBe(first.body.id);
    expect(await stored()).toEqual(before);
    const later = await post(`/hooks/bgi?token=${TOKEN}`, json({ ...body, timestamp: '2026-03-11T16:05:00.0000000+08:00' }));
    expect(later.body.id).not.toBe(first.body.id);
    expect((await stored()).events).toBe(before.events + 1);
  });

  it('Volcengine gets the 200 it counts as success, also for its retry of the same callback', async () => {
    const body = json({ ...fixture('volcengine', 'push_start.flat.json'), t: SEC + 600, sign: volcSign(SEC + 600), sequence_id: 'http-1' });
    const first = await post('/hooks/volc', body);
    expect(first.status).toBe(200);
    expect(first.body.id).toBeTruthy();
    const retry = await post('/hooks/volc', body);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('MoviePilot style: POST /hooks?source=NAME&token=… is the same as /hooks/NAME', async () => {
    const body = json(fixture('moviepilot', 'notice.message.json'));
    const res = await post(`/hooks?source=mp&token=${TOKEN}`, body);
    expect(res.status).toBe(202);
    expect((await hb.store.getNotice(res.body.id!))?.source).toBe('mp');
    expect((await post('/hooks?source=mp', body)).status).toBe(401);
  });
});

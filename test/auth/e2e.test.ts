// The guard in the real process: signatures over the raw body, IP allow-list behind a trusted
// proxy, the request rate, and captures kept with their secrets redacted.
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { SqliteStore } from '../../src/store/sqlite.js';

const GH_SECRET = 'e2e-github-secret-value';
const SW_SECRET = 'whsec_' + Buffer.from('e2e standard webhooks key').toString('base64');
const TOKEN = 'e2e-security-token-0123456789';

const CONFIG = `
server: { port: {{port}}, host: 127.0.0.1, trustProxies: [loopback] }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  console: { platform: console }
superusers: [console:boss]
sources:
  gh: { format: report, signature: { scheme: github, secrets: [old-github-secret-value, ${GH_SECRET}] } }
  sw: { format: report, signature: { scheme: standard-webhooks, secret: "${SW_SECRET}" } }
  office: { format: report, public: true, allowIps: [203.0.113.0/24] }
  limited: { format: report, token: ${TOKEN}, rateLimit: { count: 2, perMs: 600000 } }
  rep: { format: report, token: ${TOKEN} }
`;

describe('inbound security end to end', () => {
  let hb: RunningHookbot;
  beforeAll(async () => {
    hb = await spawnHookbot({ config: CONFIG });
  }, 40_000);
  afterAll(async () => {
    await hb?.stop();
  });

  async function post(path: string, body: string, headers: Record<string, string> = {}) {
    const res = await fetch(hb.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, headers: res.headers, body: (await res.json()) as { error?: string; id?: string } };
  }

  it('verifies a GitHub signature over the exact bytes sent', async () => {
    const body = '{ "title": "push",  "content": "3 commits" }';
    const sig = 'sha256=' + createHmac('sha256', GH_SECRET).update(body).digest('hex');
    expect((await post('/hooks/gh', body, { 'x-hub-signature-256': sig })).status).toBe(202);
    const changed = await post('/hooks/gh', body.replace('3', '4'), { 'x-hub-signature-256': sig });
    expect(changed.status).toBe(403);
    expect(changed.body.error).toMatch(/X-Hub-Signature-256 signature does not match/);
    expect(changed.body.error).not.toContain(GH_SECRET);
    const none = await post('/hooks/gh', body);
    expect(none.status).toBe(401);
  });

  it('verifies Standard Webhooks against the real clock, refusing a stale timestamp', async () => {
    const body = '{"title":"invoice.paid"}';
    const wh = new Webhook(SW_SECRET);
    const send = (at: Date, id: string) =>
      post('/hooks/sw', body, { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': wh.sign(id, at, body) });
    expect((await send(new Date(), 'msg_fresh')).status).toBe(202);
    const stale = await send(new Date(Date.now() - 10 * 60_000), 'msg_stale');
    expect(stale.status).toBe(403);
    expect(stale.body.error).toMatch(/s old, more than the 300 s allowed/);
  });

  it('allows listed addresses only, believing X-Forwarded-For from the trusted proxy (loopback)', async () => {
    const body = '{"content":"door opened"}';
    expect((await post('/hooks/office', body, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(202);
    const stranger = await post('/hooks/office', body, { 'x-forwarded-for': '192.0.2.1' });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error).toBe("address 192.0.2.1 is not allowed to post to source 'office'");
    // A client forging an allowed address before its own: the nearest untrusted hop counts.
    expect((await post('/hooks/office', body, { 'x-forwarded-for': '203.0.113.9, 192.0.2.1' })).status).toBe(403);
    // The proxy itself is not on the list.
    expect((await post('/hooks/office', body)).status).toBe(403);
  });

  it('answers 429 with Retry-After past the source rate', async () => {
    const body = JSON.stringify({ token: TOKEN, content: 'tick' });
    expect((await post('/hooks/limited', body)).status).toBe(202);
    expect((await post('/hooks/limited', body)).status).toBe(202);
    const third = await post('/hooks/limited', body);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(299);
    expect(third.body.error).toMatch(/allows 2 requests per 600000 ms/);
  });

  it('keeps captures with the token and signature redacted', async () => {
    const body = JSON.stringify({ token: TOKEN, title: 'captured', content: `pass ${TOKEN} on` });
    const res = await post(`/hooks/rep?key=${TOKEN}`, body, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(202);
    const store = SqliteStore.open(join(hb.dir, 'hookbot.db'));
    try {
      const [c] = await store.captures('rep', 1);
      expect(c).toBeDefined();
      const all = JSON.stringify(c);
      expect(all).not.toContain(TOKEN);
      expect(JSON.parse(c!.body)).toEqual({ token: '[redacted]', title: 'captured', content: 'pass [redacted] on' });
      expect(c!.query['key']).toBe('[redacted]');
      expect(c!.headers['authorization']).toBe('[redacted]');
      const [g] = await store.captures('gh', 1);
      expect(g!.headers['x-hub-signature-256']).toBe('[redacted]');
    } finally {
      await store.close();
    }
  });
});

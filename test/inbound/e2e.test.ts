// The formats through the real process: Volcengine's sign instead of a token, BetterGI with a bad
// screenshot delivered without it, OneLiveRec deduped on its id, a wrong type named in the 400.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { fixture } from './helpers.js';

const TOKEN = 'e2e-formats-token-0123456789';
const KEY = 'volc-e2e-key-primary';
const CONFIG = `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  console: { platform: console }
superusers: [console:boss]
sources:
  volc: { format: volcengine, keys: [old-volc-key, ${KEY}] }
  bgi: { format: bettergi, token: ${TOKEN}, locale: zh-CN, bodyLimit: 12mb }
  rec: { format: onelive, token: ${TOKEN} }
`;

describe('formats end to end', () => {
  let hb: RunningHookbot;
  beforeAll(async () => {
    hb = await spawnHookbot({ config: CONFIG });
  }, 40_000);
  afterAll(async () => {
    await hb?.stop();
  });

  it('volcengine: a fresh sign is enough, a wrong one is 403, unsigned needs the token', async () => {
    const t = Math.floor(Date.now() / 1000) + 600;
    const sign = createHash('md5').update(KEY + t).digest('hex');
    const ok = await hb.post('/hooks/volc', { ...fixture('volcengine', 'push_start.flat.json'), sign, t, sequence_id: 'e2e-1' });
    // Volcengine counts anything but 200 as a failure and retries.
    expect(ok.status).toBe(200);
    await hb.waitForOutput('Stream started: live/stream-123456');
    const bad = await hb.post('/hooks/volc', { ...fixture('volcengine', 'push_start.flat.json'), sign: 'f'.repeat(32), t, sequence_id: 'e2e-2' });
    expect(bad.status).toBe(403);
    expect(bad.body.error).toMatch(/invalid sign/);
    expect(JSON.stringify(bad.body)).not.toContain(KEY);
    const unsigned = await hb.post('/hooks/volc', fixture('volcengine', 'push_start.byteplus-envelope.json'));
    expect(unsigned.status).toBe(403);
  });

  it('bettergi: a screenshot that is not an image is left out and said so, in Chinese', async () => {
    const res = await hb.post(`/hooks/bgi?token=${TOKEN}`, fixture('bettergi', 'docs-example.legacy.json'));
    expect(res.status).toBe(202);
    const out = await hb.waitForOutput('BetterGI：自动秘境结束');
    expect(out).toContain('截图不是 PNG、JPEG、WebP 或 GIF 图片，已略去');
  });

  it('bettergi: a wrong type is a 400 naming the field', async () => {
    const res = await hb.post(`/hooks/bgi?token=${TOKEN}`, { event: 'domain.end', result: { x: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^result/);
  });

  it('onelive: the same id twice is one event', async () => {
    const body = fixture('onelive', 'title_change.json');
    const a = await hb.post(`/hooks/rec?key=${TOKEN}`, body);
    const b = await hb.post(`/hooks/rec?key=${TOKEN}`, body);
    expect(a.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    await hb.waitForOutput('哔哩哔哩音悦台 → 深夜点歌台');
  });
});

// The top-level locale reaches the formats of sources that set none; source names are looked up safely.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const TOKEN = 'e2e-locale-token-0123456789';

describe('locale and source lookup', () => {
  let hb: RunningHookbot;
  beforeAll(async () => {
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
locale: zh-CN
superusers: [console:me]
sources:
  bgi: { format: bettergi, token: ${TOKEN} }
`,
    });
  }, 40_000);
  afterAll(async () => {
    await hb?.stop();
  });

  it('renders a BetterGI notice in Chinese when only the top-level locale says so', async () => {
    const res = await hb.post(`/hooks/bgi?token=${TOKEN}`, { event: 'domain.end', result: 0, message: '完成 5 次', send_to: 'me' });
    expect(res.status).toBe(202);
    const out = await hb.waitForOutput('完成 5 次');
    expect(out).toContain('自动秘境结束');
    expect(out).toContain('结果: ');
  });

  it.each(['constructor', '__proto__', 'toString'])('answers 404 for /hooks/%s, not a crash', async (name) => {
    const res = await hb.post(`/hooks/${name}?token=${TOKEN}`, { event: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/no source/);
  });
});

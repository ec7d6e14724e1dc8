// A DingTalk robot configured with the wrong 加签 secret, end to end: DingTalk refuses the sign
// (310000), the bot shows as unhealthy with what to fix, its deliveries are held — not dead — and
// after the secret is fixed and hookbot restarted on the same store, every one of them arrives.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { FakeDingTalk } from '../fakes/dingtalk/fake-dingtalk.js';

const REPORT = 'e2e-dingsecret-report-0123456789';
const TOKEN = 'e2edingsecret0123456789abcdef';
const SECRET = 'SECright0123456789abcdef0123456789abcdef0123456789abcdef012345678';
const WRONG = 'SECwrong0123456789abcdef0123456789abcdef0123456789abcdef012345678';

const config = (fake: FakeDingTalk, secret: string) => `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  ops-ding: { platform: dingtalk, webhook: "${fake.webhook(TOKEN)}", secret: "${secret}" }
sources:
  report: { format: report, token: ${REPORT} }
`;

interface Health {
  ok: boolean;
  bots: Record<string, { state: string; reason?: string }>;
}

describe('a DingTalk robot with the wrong secret', () => {
  let fake: FakeDingTalk;
  let hb: RunningHookbot | undefined;
  beforeAll(async () => {
    fake = new FakeDingTalk({ robots: [{ token: TOKEN, secret: SECRET }] });
    await fake.start();
  });
  afterEach(async () => {
    await hb?.stop();
  });
  afterAll(async () => {
    await fake?.stop();
  });

  async function health(h: RunningHookbot): Promise<{ status: number; body: Health }> {
    const res = await fetch(`${h.url}/healthz`);
    return { status: res.status, body: (await res.json()) as Health };
  }

  it('is unhealthy and holds its deliveries; with the secret fixed they all arrive', async () => {
    hb = await spawnHookbot({ config: config(fake, WRONG) });
    const dir = hb.dir;
    for (const n of [1, 2]) {
      const res = await hb.post(`/report?token=${REPORT}`, { title: `告警 ${n}`, content: `message ${n}`, send_to_group: 'ops-ding' });
      expect(res.status).toBe(202);
    }
    await fake.waitFor(() => fake.stats.refused > 0, 30_000, 'the refused sign');
    // Unhealthy, saying what to fix; /healthz answers 503 so a monitor notices.
    let h = await health(hb);
    const deadline = Date.now() + 30_000;
    while (h.body.bots['ops-ding']?.state !== 'unhealthy' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      h = await health(hb);
    }
    expect(h.status).toBe(503);
    expect(h.body.bots['ops-ding']).toMatchObject({ state: 'unhealthy', reason: expect.stringMatching(/310000.*secret/) });
    expect(fake.received(TOKEN)).toHaveLength(0);
    await hb.waitForLog('BOT UNHEALTHY');
    // Nothing dead-lettered, no secret or token in the log.
    expect(hb.logs()).not.toMatch(/dead letter/);
    for (const s of [WRONG, SECRET, TOKEN]) expect(hb.logs()).not.toContain(s);
    await hb.stop();

    // The secret fixed, hookbot restarted on the same store: both arrive, signed with the right secret.
    hb = await spawnHookbot({ config: config(fake, SECRET), dir });
    await fake
      .waitFor(() => fake.received(TOKEN).length === 2, 90_000, 'both held deliveries')
      .catch((e: Error) => {
        throw new Error(`${e.message}\n${hb!.logs().slice(-3000)}`);
      });
    expect(fake.received(TOKEN).map((m) => m.body.markdown.text).join('\n')).toMatch(/message 1[\s\S]*message 2|message 2[\s\S]*message 1/);
    expect((await health(hb)).body.bots['ops-ding']).toMatchObject({ state: 'ok' });
  }, 240_000);
});

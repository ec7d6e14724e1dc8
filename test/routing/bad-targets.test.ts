// A bad target in a payload must not lose the notice (BetterGI never retries, and its own documented
// body names `"send_to": "userid"`): the notice goes to the valid targets, else the source's own,
// else the superusers, with a line naming the bad target and `warnings` in the 202 answer.
// `strictTargets: true` keeps the 400. Through the real receiver and worker, to the fake Telegram.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import type { Hookbot } from '../../src/main.js';
import { startInProcess, type InProcessHookbot } from '../helpers/in-process.js';
import { fixture } from '../inbound/helpers.js';

const BOT_TOKEN = '123456789:AAHbadTargetsTelegramTokenForTheFake01';
const TOKEN = 'bad-targets-source-token-0123456789';
const BOSS = 1001;
const OPS = -1002;
const OTHER = 1003;

describe('bad targets in a payload', () => {
  let fake: FakeTelegram;
  let running: InProcessHookbot | undefined;
  let hb: Hookbot;
  let url: string;

  beforeAll(async () => {
    fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
    for (const id of [BOSS, OTHER]) fake.addChat({ id, type: 'private' });
    fake.addChat({ id: OPS, type: 'supergroup' });
    await fake.start();
    running = await startInProcess(
      `
store: { sqlite: "{{dir}}/h.db" }
worker: { pollMs: 20 }
bots:
  telegram: { platform: telegram, token: "${BOT_TOKEN}", apiRoot: "${fake.url}" }
superusers: [telegram:${BOSS}]
sources:
  bgi: { format: bettergi, token: ${TOKEN} }
  withdefaults: { format: report, token: ${TOKEN}, to_group: ["telegram:${OPS}"] }
  strict: { format: report, token: ${TOKEN}, strictTargets: true }
  report: { format: report, token: ${TOKEN} }
`,
      { prefix: 'hookbot-bad-targets-' },
    );
    ({ hb, url } = running);
  }, 30_000);
  afterAll(async () => {
    await running?.stop();
    await fake?.stop();
  });

  async function post(path: string, body: unknown) {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { id?: string; error?: string; warnings?: string[]; deliveries?: { target: string }[] } };
  }

  it("delivers BetterGI's documented body to the superusers, naming the bad target", async () => {
    const res = await post(`/hooks/bgi?token=${TOKEN}`, fixture('bettergi', 'docs-example.legacy.json'));
    expect(res.status).toBe(202);
    expect(res.body.deliveries!.map((d) => d.target)).toEqual([`telegram:${BOSS}`]);
    expect(res.body.warnings).toEqual([expect.stringMatching(/^send_to\[0\]: 'userid'/)]);
    await fake.waitFor(() => fake.sentTo(BOSS).length === 1, 10_000, 'the notice at the superuser');
    const text = fake.sentTo(BOSS)[0]!.text;
    expect(text).toContain('自动秘境结束');
    expect(text).toMatch(/Not sent to send_to\[0\]: 'userid'/);
  });

  it('delivers to the valid targets only, when some are good', async () => {
    const res = await post(`/report?token=${TOKEN}`, { content: 'half good', send_to: [String(OTHER), 'nobot:1'] });
    expect(res.status).toBe(202);
    expect(res.body.deliveries!.map((d) => d.target)).toEqual([`telegram:${OTHER}`]);
    expect(res.body.warnings).toEqual([expect.stringMatching(/^send_to\[1\]: 'nobot:1': no bot 'nobot'/)]);
    await fake.waitFor(() => fake.sentTo(OTHER).some((m) => m.text.includes('half good')), 10_000, 'the notice at the valid target');
  });

  it("falls back to the source's own targets before the superusers", async () => {
    const res = await post(`/hooks/withdefaults?token=${TOKEN}`, { content: 'to the defaults', send_to: 'people:ghost' });
    expect(res.status).toBe(202);
    expect(res.body.deliveries!.map((d) => d.target)).toEqual([`telegram:${OPS}`]);
    expect(res.body.warnings![0]).toMatch(/no 'ghost' in people/);
  });

  it('keeps the 400 for a source with strictTargets, storing nothing', async () => {
    const before = (await hb.store.recentEvents(100)).length;
    const res = await post(`/hooks/strict?token=${TOKEN}`, { content: 'strict', send_to: 'userid' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^bad targets: send_to\[0\]: 'userid'/);
    expect((await hb.store.recentEvents(100)).length).toBe(before);
  });
});

// A Telegram outage through the real process parts (receiver, store, worker, adapter) and the fake
// Bot API, on a manual clock: /healthz names the platform unreachable since when and why (200
// degraded while another bot works), /metrics has the matching gauges, and once Telegram is back
// the held deliveries all go within the probe interval and health is ok again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Hookbot } from '../../src/main.js';
import { PROBE_MAX_MS } from '../../src/outages.js';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import { startInProcess, type InProcessHookbot } from '../helpers/in-process.js';

const BOT_TOKEN = '123456789:AAHhealthzOutageTelegramTokenForFake01';
const TOKEN = 'healthz-outage-source-token-0123456789';
const GROUPS = [-1001, -1002, -1003];

type Health = { status: number; body: { ok: boolean; status: string; problems: { kind: string; bot?: string; since: string; reason: string }[] } };

describe('/healthz and /metrics through a platform outage', () => {
  let fake: FakeTelegram;
  let running: InProcessHookbot | undefined;
  let hb: Hookbot;
  let url: string;
  const clock = new ManualClock(Date.parse('2026-03-01T08:00:00Z'));

  beforeAll(async () => {
    fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
    for (const id of GROUPS) fake.addChat({ id, type: 'supergroup' });
    await fake.start();
    running = await startInProcess(
      `
store: { sqlite: "{{dir}}/h.db" }
worker: { pollMs: 20, sendTimeoutMs: 5000 }
bots:
  telegram: { platform: telegram, token: "${BOT_TOKEN}", apiRoot: "${fake.url}" }
  console: { platform: console, output: "{{dir}}/console.jsonl" }
sources:
  report: { format: report, token: ${TOKEN} }
`,
      { clock, prefix: 'hookbot-healthz-' },
    );
    ({ hb, url } = running);
  }, 30_000);
  afterAll(async () => {
    await running?.stop();
    await fake?.stop();
  });

  const health = async (): Promise<Health> => {
    const res = await fetch(`${url}/healthz`);
    return { status: res.status, body: (await res.json()) as Health['body'] };
  };
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  /** Waits for the worker (real timers, every 20 ms) to get somewhere; no event to wait on from outside. */
  async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await get();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('is 200 ok with no problems while all is well', async () => {
    const h = await health();
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ ok: true, status: 'ok', problems: [] });
    const m = await metrics();
    expect(m).toMatch(/^hookbot_up 1$/m);
    expect(m).toMatch(/^hookbot_bot_up\{bot="telegram"\} 1$/m);
    expect(m).toMatch(/^hookbot_store_ok 1$/m);
    expect(m).toMatch(/^hookbot_chats_stuck 0$/m);
  });

  it('names the unreachable platform, since when and why; once it is back every held chat goes within the probe interval', async () => {
    fake.outage('down', ['sendMessage']);
    const since = new Date(clock.now()).toISOString();
    const ids: number[] = [];
    for (const g of GROUPS) {
      const res = await fetch(`${url}/report`, { method: 'POST', body: JSON.stringify({ token: TOKEN, content: `to ${g}`, send_to_group: `telegram:${g}` }) });
      expect(res.status).toBe(202);
      ids.push(...((await res.json()) as { deliveries: { id: number }[] }).deliveries.map((d) => d.id));
    }
    const h = await until(health, (x) => x.body.problems.length > 0, 'the outage in /healthz');
    // Another bot still works: degraded, not down.
    expect(h.status).toBe(200);
    expect(h.body.ok).toBe(false);
    expect(h.body.status).toBe('degraded');
    expect(h.body.problems).toEqual([{ kind: 'platform_unreachable', bot: 'telegram', since, reason: expect.stringMatching(/\S/) }]);

    // Held: the sends that met the outage, and no more; the others wait for the probe. Sends
    // claimed before the outage was known may still be on their way: counted once all have answered.
    await until(async () => Promise.all(ids.map(async (id) => (await hb.store.getDelivery(id))?.state)), (st) => !st.includes('sending'), 'the sends under way to answer');
    const tried = fake.calls('sendMessage').length;
    clock.advance(5 * 60_000);
    const m = await metrics();
    expect(m).toMatch(/^hookbot_up 0\.5$/m);
    expect(m).toMatch(/^hookbot_bot_up\{bot="telegram"\} 0$/m);
    expect(m).toMatch(/^hookbot_bot_up\{bot="console"\} 1$/m);
    expect(m).toMatch(/^hookbot_bot_unreachable_seconds\{bot="telegram"\} 300$/m);
    expect(m).toMatch(/^hookbot_bot_unreachable_seconds\{bot="console"\} 0$/m);
    // The probe that came due with the five minutes fails too: one send, the rest still held.
    await until(async () => fake.calls('sendMessage').length, (n) => n === tried + 1, 'a probe');
    await until(health, (x) => x.body.problems.length === 1, 'the outage still named');
    expect(fake.calls('sendMessage').length).toBe(tried + 1);

    fake.outage('up');
    expect(GROUPS.every((g) => fake.sentTo(g).length === 0)).toBe(true);
    clock.advance(PROBE_MAX_MS);
    await until(async () => GROUPS.map((g) => fake.sentTo(g).length), (n) => n.every((x) => x === 1), 'every group released');
    const after = await until(health, (x) => x.body.ok, 'health ok again');
    expect(after.status).toBe(200);
    expect(after.body.problems).toEqual([]);
  }, 60_000);
});

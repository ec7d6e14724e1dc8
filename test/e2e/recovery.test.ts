// End to end with the real process against the fake Telegram: an outage, probed and recovered from
// within seconds with /healthz naming it meanwhile; and SIGTERM while the platform hangs, which
// exits 0 in bounded time and leaves the delivery for the next start.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const BOT_TOKEN = '123456789:AAHe2eRecoveryTokenForTheFakeApi0123';
const REPORT_TOKEN = 'e2e-recovery-report-token-0123456789';
const GROUPS = [-2001, -2002, -2003, -2004, -2005];

const config = (fake: FakeTelegram, worker: string) => `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
worker: ${worker}
bots:
  telegram: { platform: telegram, token: "${BOT_TOKEN}", apiRoot: "${fake.url}" }
sources:
  report: { format: report, token: ${REPORT_TOKEN} }
`;

async function healthz(hb: RunningHookbot): Promise<{ status: number; body: any }> {
  const res = await fetch(hb.url + '/healthz');
  return { status: res.status, body: await res.json() };
}

describe('recovery end to end', () => {
  let fake: FakeTelegram;
  const running: RunningHookbot[] = [];
  afterEach(async () => {
    for (const hb of running.splice(0)) await hb.kill();
    await fake?.stop();
  });

  it('probes a platform that is down and delivers every chat within seconds once it is back, naming the outage in /healthz', async () => {
    fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
    for (const id of GROUPS) fake.addChat({ id, type: 'supergroup' });
    await fake.start();
    // Each delivery's own backoff is a minute or more: only the probing can bring them back sooner.
    const hb = await spawnHookbot({ config: config(fake, '{ baseDelayMs: 60000, maxDelayMs: 600000, pollMs: 50, probeMaxMs: 2000 }') });
    running.push(hb);
    await fake.waitFor(() => fake.heldPolls === 1, 15_000, 'hookbot to poll');
    fake.outage('down');
    for (const g of GROUPS) expect((await hb.post('/report', { token: REPORT_TOKEN, content: `to ${g}`, send_to_group: `telegram:${g}` })).status).toBe(202);
    const sends = () => fake.calls('sendMessage');
    await fake.waitFor(() => sends().length >= GROUPS.length + 2, 20_000, 'the failed sends and two probes');

    const during = await healthz(hb);
    expect(during.status).toBe(200); // passes on its own: not yet a matter for a person
    const problem = during.body.problems.find((p: any) => p.what === 'bot telegram' && p.kind === 'unreachable');
    expect(problem.reason).toMatch(/^platform unreachable since \d{4}-\d\d-\d\dT/);
    expect(problem.severity).toBe('degraded');
    const metrics = await (await fetch(hb.url + '/metrics')).text();
    expect(metrics).toMatch(/hookbot_bot_healthy\{bot="telegram"\} 0/);
    expect(metrics).toMatch(/hookbot_bot_unreachable_seconds\{bot="telegram"\} \d/);
    // After the first failures, one probe at a time, not every chat on its own.
    const probes = sends().slice(GROUPS.length);
    for (let i = 1; i < probes.length; i++) expect(probes[i]!.at - probes[i - 1]!.at).toBeGreaterThanOrEqual(900);

    fake.outage('up');
    const back = Date.now();
    await fake.waitFor(() => GROUPS.every((g) => fake.sentTo(g).length === 1), 30_000, 'every chat');
    expect(Date.now() - back).toBeLessThan(15_000);
    await hb.waitForLog(/works again after \d+ s/);
    const after = await healthz(hb);
    expect(after.body.problems.filter((p: any) => p.kind === 'unreachable')).toEqual([]);
  }, 90_000);

  it('exits 0 on SIGTERM while the platform hangs, and the delivery goes at the next start', async () => {
    fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
    fake.addChat({ id: GROUPS[0]!, type: 'supergroup' });
    await fake.start();
    const worker = '{ stopTimeoutMs: 1000, sendTimeoutMs: 120000, pollMs: 50 }';
    const hb = await spawnHookbot({ config: config(fake, worker) });
    running.push(hb);
    await fake.waitFor(() => fake.heldPolls === 1, 15_000, 'hookbot to poll');
    fake.outage('hang', ['sendMessage']);
    expect((await hb.post('/report', { token: REPORT_TOKEN, content: 'hanging', send_to_group: `telegram:${GROUPS[0]}` })).status).toBe(202);
    await fake.waitFor(() => fake.calls('sendMessage').length === 1, 15_000, 'the send to hang');
    const t0 = Date.now();
    expect(await hb.stop()).toBe(0);
    // Bounded by stopTimeoutMs, far below the 45 s after which the process would give up with 1.
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(hb.logs()).toMatch(/aborting them \(they stay pending\)/);
    expect(hb.logs()).toMatch(/"msg":"stopped"/);

    fake.outage('up');
    const again = await spawnHookbot({ config: config(fake, worker), dir: hb.dir });
    running.push(again);
    await fake.waitFor(() => fake.sentTo(GROUPS[0]!).length === 1, 20_000, 'the delivery after the restart');
    expect(fake.sentTo(GROUPS[0]!)[0]!.text).toContain('hanging');
  }, 90_000);
});

// End to end with the real process against the fake Telegram: SIGTERM while the platform hangs
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

describe('stop while the platform hangs', () => {
  let fake: FakeTelegram;
  const running: RunningHookbot[] = [];
  afterEach(async () => {
    for (const hb of running.splice(0)) await hb.kill();
    await fake?.stop();
  });

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
    expect(hb.logs()).toMatch(/1 send\(s\) still wait on their platform and are aborted \(they stay pending\)/);
    expect(hb.logs()).toMatch(/"msg":"stopped"/);

    fake.outage('up');
    const again = await spawnHookbot({ config: config(fake, worker), dir: hb.dir });
    running.push(again);
    await fake.waitFor(() => fake.sentTo(GROUPS[0]!).length === 1, 20_000, 'the delivery after the restart');
    expect(fake.sentTo(GROUPS[0]!)[0]!.text).toContain('hanging');
  }, 90_000);
});

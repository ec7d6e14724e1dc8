// QQ end to end: the real hookbot process against the fake OneBot (NapCat) — the NoneBot report body
// with QQ ids, screenshots, commands from QQ groups, health over the reverse WebSocket, kill -9.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { PNG } from '../helpers/images.js';
import { FakeOneBot } from '../fakes/onebot/fake-onebot.js';

const TOKEN = 'e2e-onebot-token-0123456789';
const REPORT = 'e2e-report-token-0123456789';
const SELF = 2854196310;
const ADMIN = 10001;
const STRANGER = 10002;
const GROUP = 123456789;

const config = (fake: FakeOneBot, extra = '') => `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  qq: { platform: onebot, url: "${fake.url}", accessToken: "${TOKEN}", admins: ["${ADMIN}"], aliases: ["${SELF}"]${extra} }
superusers: ["qq:${ADMIN}"]
sources:
  report: { format: report, token: ${REPORT} }
`;

/** Waits on the fake; a failure shows hookbot's log, which says why. */
const waitSent = (fake: FakeOneBot, hb: RunningHookbot, cond: () => boolean, what: string) =>
  fake.waitFor(cond, 90_000, what).catch((e: Error) => {
    throw new Error(`${e.message}\nsent: ${JSON.stringify(fake.sent.map((s) => [s.type, s.target, s.segments.map((x) => x.data['text'] ?? x.type).join('')]))}\nrisk: ${fake.qq.riskRefusals.join('; ')}\n${hb.logs().slice(-4000)}`);
  });

const textOf = (fake: FakeOneBot, i: number) => fake.sent[i]!.segments.filter((s) => s.type === 'text').map((s) => s.data['text']).join('');

describe('QQ (OneBot v11) end to end', () => {
  let fake: FakeOneBot;
  let hb: RunningHookbot | undefined;
  beforeAll(async () => {
    fake = new FakeOneBot({ token: TOKEN, selfId: SELF, users: [ADMIN, STRANGER], groups: [GROUP] });
    await fake.start();
  });
  afterEach(async () => {
    fake.disconnect();
    await hb?.stop();
    hb = undefined;
    fake.sent.length = 0;
    fake.qq.riskRefusals.length = 0;
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('delivers the NoneBot report body with numeric QQ ids to QQ users and groups, and untargeted ones to superusers', async () => {
    hb = await spawnHookbot({ config: config(fake) });
    const res = await hb.post('/report', { token: REPORT, title: '录制完成', content: '主播已下播', send_from: SELF, send_to: [ADMIN], send_to_group: GROUP });
    expect(res.status).toBe(202);
    expect(res.body.deliveries.map((d: { target: string }) => d.target).sort()).toEqual([`qq:${ADMIN}`, `qq:${GROUP}`]);
    await waitSent(fake, hb, () => fake.sent.length === 2, 'both deliveries');
    const got = fake.sent.map((s) => `${s.type}:${s.target}`).sort();
    expect(got).toEqual([`group:${GROUP}`, `private:${ADMIN}`]);
    expect(textOf(fake, 0)).toContain('录制完成');
    expect(textOf(fake, 0)).toContain('主播已下播');

    const none = await hb.post('/report', { token: REPORT, title: 'no targets', content: 'to the superusers' });
    expect(none.status).toBe(202);
    await waitSent(fake, hb, () => fake.sent.length === 3, 'the superuser delivery');
    expect(fake.sent[2]).toMatchObject({ type: 'private', target: ADMIN });
  }, 180_000);

  it('sends a base64 screenshot as an image segment after the text', async () => {
    hb = await spawnHookbot({ config: config(fake) });
    const res = await hb.post('/report', { token: REPORT, title: 'BetterGI', content: '任务完成', send_to_group: String(GROUP), screenshot: PNG.toString('base64') });
    expect(res.status).toBe(202);
    await waitSent(fake, hb, () => fake.sent.length === 1, 'the screenshot');
    const segs = fake.sent[0]!.segments;
    expect(segs.map((s) => s.type)).toEqual(['text', 'image']);
    expect(segs[1]!.data['file']).toBe(`base64://${PNG.toString('base64')}`);
  }, 180_000);

  it('runs an admin’s /test from a QQ group, refuses a stranger’s /mute, and tracks the reverse WebSocket in /healthz', async () => {
    hb = await spawnHookbot({ config: config(fake) });
    const ws = `ws://127.0.0.1:${hb.port}/onebot/v11/ws`;
    expect(await fake.connect(ws)).toBe('open');

    fake.groupMessage(GROUP, ADMIN, '/test');
    // The reply in the group, then the test notice itself, delivered through the queue.
    await waitSent(fake, hb, () => fake.sent.filter((s) => s.type === 'group' && s.target === GROUP).length >= 2, 'the /test reply and notice');

    const before = fake.sent.length;
    fake.groupMessage(GROUP, STRANGER, '/mute report 1h', { format: 'string' });
    await waitSent(fake, hb, () => fake.sent.length > before, 'the refusal');
    const refusal = fake.sent.at(-1)!;
    expect(refusal).toMatchObject({ type: 'group', target: GROUP });
    expect(refusal.segments.find((s) => s.type === 'text')!.data['text']).toContain('bots.qq.admins');
    // Not muted: a report still goes out.
    const after = fake.sent.length;
    await hb.post('/report', { token: REPORT, title: 'still on', content: 'x', send_to_group: GROUP });
    await waitSent(fake, hb, () => fake.sent.length > after, 'the report after the refused mute');

    const health = async (): Promise<{ state: string; reason?: string }> => ((await (await fetch(`${hb!.url}/healthz`)).json()) as any).bots.qq;
    expect(await health()).toMatchObject({ state: 'ok' });
    fake.disconnect();
    const down = await until(health, (h) => h.state === 'starting');
    expect(down.reason).toMatch(/reverse WebSocket from QQ closed/);
    expect(await fake.connect(ws)).toBe('open');
    await until(health, (h) => h.state === 'ok');
  }, 240_000);

  it('delivers every pending QQ message after a kill -9 and a restart', async () => {
    const N = 6;
    hb = await spawnHookbot({ config: config(fake) });
    const dir = hb.dir;
    for (let i = 0; i < N; i++) expect((await hb.post('/report', { token: REPORT, title: `r${i}`, content: `n=${i};`, send_to_group: GROUP })).status).toBe(202);
    // Groups get at most one message a second: most are still pending when the process dies.
    await hb.kill();
    const sentBefore = fake.sent.length;
    expect(sentBefore).toBeLessThan(N);
    hb = await spawnHookbot({ config: config(fake), dir });
    const numbers = () => new Set(fake.sent.map((_, i) => /n=(\d+);/.exec(textOf(fake, i))?.[1]));
    await waitSent(fake, hb, () => numbers().size === N, 'every report after the restart');
    expect([...numbers()].sort()).toEqual(Array.from({ length: N }, (_, i) => String(i)));
    // At least once: a send cut off by the kill may go again, nothing more.
    expect(fake.sent.length).toBeLessThanOrEqual(N + 1);
    expect(fake.qq.riskRefusals, fake.qq.riskRefusals.join('; ')).toEqual([]);
  }, 240_000);
});

/** Polls an HTTP endpoint until `ok` (there is no event to wait on from outside the process). */
async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

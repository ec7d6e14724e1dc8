// The robots end to end: the real hookbot process against the fake DingTalk and WeCom robots —
// a BetterGI screenshot (POSTed, and over BetterGI's WebSocket notifier) reaches WeCom as an image
// and DingTalk as a signed markdown whose media link serves the screenshot; a burst of 30 to one
// DingTalk robot is paced under its limit so that DingTalk throttles none of it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { FakeDingTalk } from '../fakes/dingtalk/fake-dingtalk.js';
import { FakeWeCom } from '../fakes/wecom/fake-wecom.js';
import { fixture } from '../inbound/helpers.js';

const BGI = 'e2e-robots-bgi-token-0123456789';
const REPORT = 'e2e-robots-report-token-0123456789';
const DING_TOKEN = 'e2eding0123456789abcdef';
const BURST_TOKEN = 'e2eburst0123456789abcdef';
const DING_SECRET = 'SECe2e0123456789abcdef0123456789abcdef0123456789abcdef0123456789';
const WECOM_KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
/** BetterGI's screenshots are base64 JPEG. */
const SHOT: string = fixture('bettergi', 'domain.end.json').screenshot;
// The burst runs against DingTalk's limit of 20 messages per window, with the window shortened on
// both sides alike — the fake's and the bot's `limits` — so the test takes seconds, not a minute.
const BURST_WINDOW_MS = 20_000;

const config = (ding: FakeDingTalk, burst: FakeDingTalk, wecom: FakeWeCom) => `
server: { port: {{port}}, host: 127.0.0.1, publicUrl: "http://127.0.0.1:{{port}}" }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  ops-ding: { platform: dingtalk, webhook: "${ding.webhook(DING_TOKEN)}", secret: "${DING_SECRET}" }
  ops-wecom: { platform: wecom, webhook: "${wecom.webhook(WECOM_KEY)}" }
  burst-ding: { platform: dingtalk, webhook: "${burst.webhook(BURST_TOKEN)}", limits: { bot: { count: 20, perMs: ${BURST_WINDOW_MS} } } }
superusers: [ops-wecom]
sources:
  bgi: { format: bettergi, token: ${BGI}, to_group: [ops-wecom, ops-ding] }
  report: { format: report, token: ${REPORT} }
`;

describe('DingTalk and WeCom robots end to end', () => {
  let ding: FakeDingTalk;
  let burstFake: FakeDingTalk;
  let wecom: FakeWeCom;
  let hb: RunningHookbot;

  beforeAll(async () => {
    // A signing robot with DingTalk's own limit (20 a minute), and the burst's robot on the shortened window.
    ding = new FakeDingTalk({ robots: [{ token: DING_TOKEN, secret: DING_SECRET }] });
    burstFake = new FakeDingTalk({ robots: [{ token: BURST_TOKEN }], limit: { count: 20, windowMs: BURST_WINDOW_MS } });
    wecom = new FakeWeCom({ keys: [WECOM_KEY] });
    await Promise.all([ding.start(), burstFake.start(), wecom.start()]);
    hb = await spawnHookbot({ config: config(ding, burstFake, wecom) });
  }, 120_000);
  afterEach(() => {
    ding.messages.length = 0;
    wecom.messages.length = 0;
  });
  afterAll(async () => {
    await hb?.stop();
    await Promise.all([ding?.stop(), burstFake?.stop(), wecom?.stop()]);
  });

  /** Waits on a fake; a failure shows hookbot's log, which says why. */
  const waitOn = (fake: { waitFor: FakeDingTalk['waitFor'] }, cond: () => boolean, what: string, timeoutMs = 90_000) =>
    fake.waitFor(cond, timeoutMs, what).catch((e: Error) => {
      throw new Error(`${e.message}\n${hb.logs().slice(-4000)}`);
    });

  /** The WeCom messages and DingTalk markdown a BetterGI screenshot became. */
  async function expectScreenshotDelivered(message: string) {
    await waitOn(wecom, () => wecom.messages.some((m) => m.msgtype === 'image'), 'the WeCom image');
    await waitOn(ding, () => ding.received(DING_TOKEN).length > 0, 'the DingTalk markdown');
    // WeCom: the screenshot itself, as an image message (base64 + md5, checked by the fake), and the text.
    const image = wecom.messages.find((m) => m.msgtype === 'image')!;
    expect(image.image!.equals(Buffer.from(SHOT, 'base64'))).toBe(true);
    await waitOn(wecom, () => wecom.messages.some((m) => m.msgtype === 'markdown' && m.body.markdown.content.includes(message)), 'the WeCom markdown');
    // DingTalk: a signed markdown (the fake refuses a bad sign) with the title and a media link.
    const md = ding.received(DING_TOKEN)[0]!;
    expect(md.msgtype).toBe('markdown');
    expect(md.body.markdown.text).toContain(message);
    const link = /!\[[^\]]*\]\((http:\/\/127\.0\.0\.1:\d+\/media\/[^)\s]+)\)/.exec(md.body.markdown.text)?.[1];
    expect(link, md.body.markdown.text).toBeDefined();
    // The link works for anyone who has it (DingTalk's image proxy), and serves the screenshot's bytes.
    const res = await fetch(link!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(SHOT, 'base64'))).toBe(true);
    // Without its signature it is not served.
    const unsigned = await fetch(link!.replace(/\?.*$/, ''));
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
  }

  it('a BetterGI screenshot reaches WeCom as an image and DingTalk as a signed markdown whose media link works', async () => {
    const res = await hb.post(`/hooks/bgi?token=${BGI}`, { ...fixture('bettergi', 'domain.end.json'), send_to: '', message: '自动秘境结束，共完成 5 次' });
    expect(res.status).toBe(202);
    expect(res.body.deliveries.map((d: { target: string }) => d.target).sort()).toEqual(['ops-ding', 'ops-wecom']);
    await expectScreenshotDelivered('自动秘境结束，共完成 5 次');
    expect(ding.stats.refused + wecom.stats.refused).toBe(0);
  });

  it("a BetterGI message over its WebSocket notifier is answered like the POST and delivered", async () => {
    const ws = new WebSocket(`${hb.url.replace('http', 'ws')}/hooks/bgi?token=${BGI}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<any>((r) => ws.once('message', (m) => r(JSON.parse(String(m)))));
    // What WebSocketNotifier serialises: BaseNotificationData in snake_case, with its own converters.
    ws.send(JSON.stringify({ event: 'domain.end', result: 'Success', timestamp: '2026-08-23 02:50:00', screenshot: SHOT, message: '通过 WebSocket 发送', data: null }));
    const got = await answer;
    expect(got).toMatchObject({ id: expect.any(String) });
    expect(got.deliveries.map((d: { target: string }) => d.target).sort()).toEqual(['ops-ding', 'ops-wecom']);
    await expectScreenshotDelivered('通过 WebSocket 发送');
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.close(1000);
    expect(await closed).toBe(1000);
  });

  it('a burst of 30 to one DingTalk robot arrives whole, with no throttling, at the pace of its limit', async () => {
    const started = Date.now();
    for (let i = 1; i <= 30; i++) {
      const res = await hb.post(`/report?token=${REPORT}`, { title: `burst ${i}`, content: `message ${i} of 30`, send_to_group: 'burst-ding' });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }
    await waitOn(burstFake, () => burstFake.received(BURST_TOKEN).length === 30 || burstFake.stats.refused > 0, 'all 30 messages', 120_000);
    expect(burstFake.stats).toEqual({ throttled: 0, refused: 0 });
    const got = burstFake.received(BURST_TOKEN);
    const numbers = got.map((m) => Number(/message (\d+) of 30/.exec(m.body.markdown.text)?.[1])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // Never more than 20 in any window (the fake enforces it too: nothing was throttled) …
    const at = got.map((m) => m.at).sort((a, b) => a - b);
    for (let i = 20; i < at.length; i++) expect(at[i]! - at[i - 20]!).toBeGreaterThanOrEqual(BURST_WINDOW_MS);
    // … and not needlessly slower: the last ten wait one window, not more.
    expect(at[29]! - started).toBeLessThan(2 * BURST_WINDOW_MS + 15_000);
  }, 180_000);
});

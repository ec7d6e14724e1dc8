// The outbound webhook end to end: the real hookbot process forwards OneLiveRec's
// `video_transmux_finish` to a receiver (the uploader script of the seeds) with a Standard Webhooks
// signature the receiver verifies, while the same event still notifies the chats; a receiver that is
// down for a while (503 with Retry-After, then connections refused) gets it once it is back, once.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';
import { FakeReceiver } from '../fakes/webhook/fake-receiver.js';
import { fixture } from '../inbound/helpers.js';

const ONELIVE = 'e2e-webhook-onelive-key-0123456789';
const UPLOADER_KEY = 'e2e-uploader-key-0123456789';
const SECRET = 'whsec_' + Buffer.from('e2e standard webhooks secret!!').toString('base64');

const config = (recv: FakeReceiver) => `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
worker: { baseDelayMs: 200, maxDelayMs: 1000 }
bots:
  uploader: { platform: webhook, url: "${recv.url}/webhook?key=${UPLOADER_KEY}", secret: "${SECRET}", body: raw }
  console: { platform: console, output: "{{dir}}/chat.jsonl" }
superusers: [console:ops]
sources:
  onelive: { format: onelive, token: ${ONELIVE}, to_group: [console:ops] }
routes:
  - { match: { source: onelive, event: video_transmux_finish }, to_group: [uploader] }
`;

describe('the outbound webhook end to end', () => {
  let recv: FakeReceiver;
  let hb: RunningHookbot;

  beforeAll(async () => {
    recv = new FakeReceiver({ secret: SECRET });
    await recv.start();
    hb = await spawnHookbot({ config: config(recv) });
  }, 120_000);
  afterEach(async () => {
    await recv.up();
    recv.received.length = 0;
  });
  afterAll(async () => {
    await hb?.stop();
    await recv?.stop();
  });

  const waitOn = (cond: () => boolean, what: string) =>
    recv.waitFor(cond, 60_000, what).catch((e: Error) => {
      throw new Error(`${e.message}\n${hb.logs().slice(-4000)}`);
    });
  const chatLines = () => {
    const file = join(hb.dir, 'chat.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };

  it('forwards video_transmux_finish as it came, signed, to the receiver, and notifies the chat too', async () => {
    const payload = fixture('onelive', 'video_transmux_finish.json');
    const res = await hb.post(`/hooks/onelive?key=${ONELIVE}`, payload);
    expect(res.status).toBe(202);
    expect(res.body.deliveries.map((d: { target: string }) => d.target).sort()).toEqual(['console:ops', 'uploader']);
    await waitOn(() => recv.received.length === 1, 'the forwarded event');
    const got = recv.received[0]!;
    // The fake verified webhook-id, webhook-timestamp and webhook-signature with the secret (else 401, not recorded).
    expect(recv.stats.badSignature).toBe(0);
    expect(got.id).toMatch(/\S/);
    expect(got.path).toBe('/webhook');
    expect(got.query).toEqual({ key: UPLOADER_KEY });
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(got.body.toString('utf8'))).toEqual(payload);
    await until(() => chatLines().includes('a.mp4'), () => `the chat got nothing:\n${chatLines()}`);
  }, 120_000);

  it('a receiver that is down for a while gets the event once it is back, once', async () => {
    // Down, answering 503 with Retry-After: retried as told.
    await recv.down({ status: 503, retryAfter: '1' });
    const payload = { ...fixture('onelive', 'video_transmux_finish.json'), id: 'e2e-down-1' };
    const res = await hb.post(`/hooks/onelive?key=${ONELIVE}`, payload);
    expect(res.status).toBe(202);
    await waitOn(() => recv.stats.down > 0, 'a request during the 503 outage');
    // Then gone altogether (connections refused): retried with backoff.
    const retried = await outcomes(hb, 'uploader', 'retry');
    await recv.down('refuse');
    await until(async () => (await outcomes(hb, 'uploader', 'retry')) >= retried + 2, () => `no retries while refused:\n${hb.logs().slice(-3000)}`);
    expect(recv.received).toHaveLength(0);
    await recv.up();
    await waitOn(() => recv.received.length >= 1, 'the event after the outage');
    expect(JSON.parse(recv.received[0]!.body.toString('utf8'))).toEqual(payload);
    expect(recv.stats.badSignature).toBe(0);
    // hookbot recorded it as sent (this one and the first test's), so nothing more comes.
    await until(async () => (await outcomes(hb, 'uploader', 'sent')) === 2, () => 'the delivery was not recorded as sent');
    expect(recv.received).toHaveLength(1);
  }, 120_000);
});

/** Resolves once `cond` holds, checked every 50 ms; fails after 30 s with `why()`. */
async function until(cond: () => boolean | Promise<boolean>, why: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** hookbot's count of delivery attempts of `bot` with `outcome`, from /metrics. */
async function outcomes(hb: RunningHookbot, bot: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${hb.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('hookbot_delivery_outcomes_total{') && l.includes(`outcome="${outcome}"`) && l.includes(`bot="${bot}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

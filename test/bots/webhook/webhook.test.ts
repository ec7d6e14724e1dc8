import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import type { Notice } from '../../../src/notice.js';
import { parseMarkup } from '../../../src/render/markup.js';
import { webhookBot } from '../../../bots/webhook/webhook.js';
import { retryAfterMs } from '../../../bots/webhook/retry-after.js';
import { FakeReceiver } from '../../fakes/webhook/fake-receiver.js';
import { failure } from '../../helpers/failure.js';
import { ctx, deps, message } from '../robot/harness.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let fake: FakeReceiver;
afterEach(() => fake?.stop());

const raw = { id: 'evt-1', ts: '2026-03-11T07:00:05Z', type: 'video_transmux_finish', data: { input: '/rec/a.flv', output: '/rec/a.mp4' } };
const notice: Notice = { id: '42', source: 'onelive', format: 'onelive', event: 'video_transmux_finish', level: 'success', title: '转封装完成', time: raw.ts, vars: { data: raw.data }, raw };

async function setup(opts: Record<string, unknown> = {}, secret: string | null = SECRET) {
  fake = new FakeReceiver({ secret: secret ?? undefined });
  await fake.start();
  return webhookBot.create('uploader', webhookBot.options.parse({ url: `${fake.url}/webhook?key=uploader-key-0123456789`, ...(secret ? { secret } : {}), ...opts }), deps(systemClock));
}
const to = { chat: '', kind: 'group' as const };
const msg = () => message({ title: notice.title, body: parseMarkup('x'), notice });

describe('the outbound webhook', () => {
  it('POSTs the raw payload with Standard Webhooks headers whose id is the delivery key on every try', async () => {
    const bot = await setup();
    const c = ctx();
    fake.answerNext(503);
    expect(await failure(bot.send(to, msg(), c))).toMatchObject({ retryable: true });
    await bot.send(to, msg(), c);
    const [r] = fake.received;
    expect(JSON.parse(r!.body.toString())).toEqual(raw);
    expect(r!.id).toBe(c.key);
    expect(r!.query).toEqual({ key: 'uploader-key-0123456789' });
  });

  it('POSTs the notice, or a Liquid template of it', async () => {
    let bot = await setup({ body: 'notice' });
    await bot.send(to, msg(), ctx());
    expect(JSON.parse(fake.received[0]!.body.toString())).toMatchObject({ id: '42', event: 'video_transmux_finish', vars: { data: raw.data } });
    await fake.stop();
    bot = await setup({ body: '{"file": {{ data.output | json }}, "event": "{{ event }}"}' });
    await bot.send(to, msg(), ctx());
    expect(fake.received[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(fake.received[0]!.body.toString())).toEqual({ file: '/rec/a.mp4', event: 'video_transmux_finish' });
  });

  it.each([
    [400, false],
    [401, false],
    [404, false],
    [408, true],
    [429, true],
    [500, true],
    [502, true],
  ])('answered HTTP %i, retries: %s', async (status, retryable) => {
    const bot = await setup();
    fake.answerNext(status);
    const e = await failure(bot.send(to, msg(), ctx()));
    expect(e).toMatchObject({ retryable, unhealthy: false });
    expect(e.message).toContain(String(status));
    expect(e.message).not.toContain('uploader-key');
  });

  it('obeys Retry-After in seconds or as a date', async () => {
    const bot = await setup();
    fake.answerNext(429, { 'retry-after': '7' });
    expect((await failure(bot.send(to, msg(), ctx()))).retryAfterMs).toBe(7000);
    expect(retryAfterMs(new Date(1_700_000_030_000).toUTCString(), 1_700_000_000_000)).toBe(30_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  it('retries when the receiver refuses connections, without the URL in the error', async () => {
    const bot = await setup();
    await fake.down('refuse');
    const e = await failure(bot.send(to, msg(), ctx()));
    expect(e.retryable).toBe(true);
    expect(e.message).not.toContain('uploader-key');
    await fake.up();
    await bot.send(to, msg(), ctx());
    expect(fake.received).toHaveLength(1);
  });

  it('sends unsigned without a secret, and refuses a secret that is not whsec_ base64', async () => {
    const bot = await setup({}, null);
    await bot.send(to, msg(), ctx());
    expect(fake.received[0]!.headers['webhook-signature']).toBeUndefined();
    const r = webhookBot.options.safeParse({ url: 'http://127.0.0.1:1/x', secret: 'short' });
    expect(JSON.stringify(r.error?.issues)).toMatch(/whsec_/);
  });
});

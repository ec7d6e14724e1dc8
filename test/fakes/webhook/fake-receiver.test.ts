import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeReceiver } from './fake-receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let fake: FakeReceiver;
afterEach(() => fake?.stop());

function signed(body: string, id = 'msg_1', secret = SECRET) {
  const at = new Date();
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body), 'content-type': 'application/json' };
}
const post = (headers: Record<string, string>, body: string) => fetch(fake.url + '/webhook?key=k', { method: 'POST', headers, body });

describe('the fake webhook receiver', () => {
  it('signs like the Standard Webhooks test vector', () => {
    const body = readFileSync(new URL('../../fixtures/signatures/standard-webhooks/test-vector.body.json', import.meta.url));
    expect(new Webhook(SECRET).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('records a signed POST and refuses a badly signed one with 401', async () => {
    fake = new FakeReceiver({ secret: SECRET });
    await fake.start();
    expect((await post(signed('{"a":1}'), '{"a":1}')).status).toBe(200);
    expect((await post(signed('{"a":1}', 'msg_2', 'whsec_' + Buffer.from('another secret').toString('base64')), '{"a":1}')).status).toBe(401);
    expect((await post({ 'content-type': 'application/json' }, '{}')).status).toBe(401);
    expect(fake.received.map((r) => [r.path, r.query, r.id, r.body.toString()])).toEqual([['/webhook', { key: 'k' }, 'msg_1', '{"a":1}']]);
    expect(fake.stats.badSignature).toBe(2);
  });

  it('answers 503 with Retry-After while down, and refuses connections when told', async () => {
    fake = new FakeReceiver();
    await fake.start();
    await fake.down({ status: 503, retryAfter: '3' });
    const r = await post({}, '{}');
    expect([r.status, r.headers.get('retry-after')]).toEqual([503, '3']);
    await fake.down('refuse');
    await expect(post({}, '{}')).rejects.toThrow();
    await fake.up();
    expect((await post({}, '{}')).status).toBe(200);
    expect(fake.received).toHaveLength(1);
  });

  it('counts a repeated webhook-id once', async () => {
    fake = new FakeReceiver({ secret: SECRET });
    await fake.start();
    await post(signed('{}', 'msg_same'), '{}');
    await post(signed('{}', 'msg_same'), '{}');
    expect([fake.received.length, fake.distinct().length]).toEqual([2, 1]);
  });
});

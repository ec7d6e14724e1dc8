import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { PNG } from '../../helpers/images.js';
import { FakeFeishu, feishuSign } from './fake-feishu.js';

const clock = new ManualClock(1_700_000_000_000);
let fake: FakeFeishu;
afterEach(() => fake?.stop());

async function start() {
  fake = new FakeFeishu({ hooks: [{ token: 'hook1', secret: 'feishu-test-secret' }, { token: 'open' }], apps: [{ appId: 'cli_1', appSecret: 'app-secret-0123456789' }], clock });
  await fake.start();
}
async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(fake.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
const ts = () => String(Math.floor(clock.now() / 1000));
const text = { msg_type: 'text', content: { text: 'hi' } };

describe('the fake Feishu bot', () => {
  it('signs as the reference vector says, unlike DingTalk', () => {
    expect(feishuSign('1700000000', 'feishu-test-secret')).toBe('e3MJ8Q5llVxGJ8pVkGPBhexDAgjvYqpjPP1GkY9XceI=');
  });

  it('takes a signed message with both success fields', async () => {
    await start();
    const r = await call('/open-apis/bot/v2/hook/hook1', { timestamp: ts(), sign: feishuSign(ts(), 'feishu-test-secret'), ...text });
    expect(r.body).toMatchObject({ code: 0, StatusCode: 0 });
    expect(fake.received('hook1')).toHaveLength(1);
  });

  it.each([
    ['an unknown hook', '/open-apis/bot/v2/hook/nope', text, 19001],
    ['no sign', '/open-apis/bot/v2/hook/hook1', text, 19021],
    ['a DingTalk-style sign', '/open-apis/bot/v2/hook/hook1', { timestamp: '1700000000', sign: 'h/YXgyoiyw0K/L0ImDtWRHoDgH10ksHhmznCTaRFMR4=', ...text }, 19021],
    ['an interactive card inside content', '/open-apis/bot/v2/hook/open', { msg_type: 'interactive', content: { card: {} } }, 9499],
    ['an image_key it never issued', '/open-apis/bot/v2/hook/open', { msg_type: 'image', content: { image_key: 'img_v2_made_up' } }, 9499],
  ])('refuses %s', async (_, path, body, code) => {
    await start();
    expect((await call(path, body)).body.code).toBe(code);
  });

  it('refuses a body over 20 KB', async () => {
    await start();
    expect((await call('/open-apis/bot/v2/hook/open', { msg_type: 'text', content: { text: 'x'.repeat(21 * 1024) } })).body.code).toBe(9499);
  });

  it('limits a hook to 5 a second and 100 a minute', async () => {
    await start();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await call('/open-apis/bot/v2/hook/open', text)).body.code);
    expect(codes).toEqual([0, 0, 0, 0, 0, 11232]);
    for (let i = 0; i < 19; i++) {
      clock.advance(1001);
      for (let j = 0; j < 5; j++) await call('/open-apis/bot/v2/hook/open', text);
    }
    clock.advance(1001);
    expect((await call('/open-apis/bot/v2/hook/open', text)).body.code).toBe(11232);
    expect(fake.received('open')).toHaveLength(100);
  });

  it('issues a tenant token for the app secret, takes an image with it, and accepts its key in a post', async () => {
    await start();
    expect((await call('/open-apis/auth/v3/tenant_access_token/internal', { app_id: 'cli_1', app_secret: 'wrong' })).body.code).not.toBe(0);
    const t = (await call('/open-apis/auth/v3/tenant_access_token/internal', { app_id: 'cli_1', app_secret: 'app-secret-0123456789' })).body;
    expect(t).toMatchObject({ code: 0, expire: 7200 });
    const form = new FormData();
    form.append('image_type', 'message');
    form.append('image', new Blob([PNG]));
    const denied = await fetch(fake.url + '/open-apis/im/v1/images', { method: 'POST', body: form });
    expect(denied.status).toBe(400);
    const up = (await (await fetch(fake.url + '/open-apis/im/v1/images', { method: 'POST', headers: { authorization: `Bearer ${t.tenant_access_token}` }, body: form })).json()) as any;
    expect(up.code).toBe(0);
    expect(fake.images.get(up.data.image_key)?.equals(PNG)).toBe(true);
    const post = { msg_type: 'post', content: { post: { zh_cn: { title: 't', content: [[{ tag: 'img', image_key: up.data.image_key }]] } } } };
    expect((await call('/open-apis/bot/v2/hook/open', post)).body.code).toBe(0);
  });
});

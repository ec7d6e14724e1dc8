import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { dingTalkSign, FakeDingTalk } from './fake-dingtalk.js';

const SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
const clock = new ManualClock(1_700_000_000_000);
let fake: FakeDingTalk;
afterEach(() => fake?.stop());

async function start(opts: { keywords?: string[] } = {}) {
  fake = new FakeDingTalk({ robots: [{ token: 'tok', secret: SECRET, ...opts }, { token: 'plain' }], clock });
  await fake.start();
}
const text = (content: string) => ({ msgtype: 'text', text: { content } });
async function post(query: string, body: unknown) {
  const res = await fetch(`${fake.url}/robot/send?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ errcode: number; errmsg: string }>;
}
const signed = (ts = clock.now(), secret = SECRET) => `access_token=tok&timestamp=${ts}&sign=${encodeURIComponent(dingTalkSign(String(ts), secret))}`;

describe('the fake DingTalk robot', () => {
  it('signs as the reference vector says', () => {
    expect(dingTalkSign('1700000000000', SECRET)).toBe('8SZas7RY4E7wuOlgLfjLwHSKZpyUEdXdLvFYSDZiiFw=');
  });

  it('takes a signed message and records it', async () => {
    await start();
    expect(await post(signed(), text('hello'))).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(fake.received('tok').map((m) => m.body.text.content)).toEqual(['hello']);
  });

  it.each([
    ['an unknown token', 'access_token=nope', 300005, 'token is not exist'],
    ['no signature', 'access_token=tok', 310000, 'invalid timestamp'],
    ['a timestamp over an hour off', () => signed(clock.now() - 3_600_001), 310000, 'invalid timestamp'],
    ['a wrong secret', () => signed(clock.now(), 'SECwrong'), 310000, 'sign not match'],
    ['the reference vector', () => (clock.set(1_700_000_000_000), 'access_token=tok&timestamp=1700000000000&sign=8SZas7RY4E7wuOlgLfjLwHSKZpyUEdXdLvFYSDZiiFw%3D'), 0, 'ok'],
  ])('answers %s with its errcode', async (_, query, errcode, errmsg) => {
    await start();
    const q = typeof query === 'function' ? query() : query;
    expect(await post(q, text('x'))).toEqual({ errcode, errmsg });
  });

  it('reads a bare + in the sign as a space, so such a sign fails', async () => {
    await start();
    let ts = clock.now();
    while (!dingTalkSign(String(ts), SECRET).includes('+')) ts++;
    clock.set(ts);
    const q = `access_token=tok&timestamp=${ts}&sign=${dingTalkSign(String(ts), SECRET)}`;
    expect(await post(q, text('x'))).toEqual({ errcode: 310000, errmsg: 'sign not match' });
  });

  it.each([
    ['not JSON', '{'],
    ['an unknown msgtype', { msgtype: 'video' }],
    ['markdown without a title', { msgtype: 'markdown', markdown: { text: 'x' } }],
  ])('refuses a body that is %s with 300001', async (_, body) => {
    await start();
    expect((await post(signed(), body)).errcode).toBe(300001);
  });

  it('refuses a message without a keyword', async () => {
    await start({ keywords: ['hookbot'] });
    expect(await post(signed(), text('hi'))).toEqual({ errcode: 310000, errmsg: 'keywords not in content' });
    expect((await post(signed(), { msgtype: 'markdown', markdown: { title: 'hookbot', text: 'x' } })).errcode).toBe(0);
  });

  it('throttles the 21st message in a minute, and every one for 10 minutes after', async () => {
    await start();
    for (let i = 0; i < 20; i++) expect((await post('access_token=plain', text(`m${i}`))).errcode).toBe(0);
    expect(await post('access_token=plain', text('m20'))).toEqual({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
    clock.advance(60_001);
    expect((await post('access_token=plain', text('later'))).errcode).toBe(130101);
    clock.advance(600_000);
    expect((await post('access_token=plain', text('after the penalty'))).errcode).toBe(0);
    expect(fake.stats.throttled).toBe(2);
    expect(fake.received('plain')).toHaveLength(21);
  });
});

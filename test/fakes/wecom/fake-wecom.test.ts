import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { FakeWeCom } from './fake-wecom.js';

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4z8DwHwAFAAIBpfOk5gAAAABJRU5ErkJggg==';
const clock = new ManualClock(1_700_000_000_000);
let fake: FakeWeCom;
afterEach(() => fake?.stop());

async function start() {
  fake = new FakeWeCom({ keys: ['k1'], clock });
  await fake.start();
}
async function post(key: string, body: unknown) {
  const res = await fetch(fake.webhook(key), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { errcode: number; errmsg: string };
}
const md = (content: string) => ({ msgtype: 'markdown', markdown: { content } });

describe('the fake WeCom robot', () => {
  it('takes markdown and an image whose md5 matches (the reference vector)', async () => {
    await start();
    expect(createHash('md5').update(Buffer.from(PNG_B64, 'base64')).digest('hex')).toBe('0d09bb65a7fc2fce11f0499dc6706e40');
    expect(await post('k1', md('**hi**'))).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await post('k1', { msgtype: 'image', image: { base64: PNG_B64, md5: '0d09bb65a7fc2fce11f0499dc6706e40' } })).errcode).toBe(0);
    expect(fake.received('k1').map((m) => m.msgtype)).toEqual(['markdown', 'image']);
  });

  it.each([
    ['an unknown key', 'k2', md('x'), 93000],
    ['markdown over 4096 bytes (1366 CJK characters)', 'k1', md('字'.repeat(1366)), 40058],
    ['text over 2048 bytes', 'k1', { msgtype: 'text', text: { content: 'x'.repeat(2049) } }, 40058],
    ['an image with a wrong md5', 'k1', { msgtype: 'image', image: { base64: PNG_B64, md5: '0'.repeat(32) } }, 301019],
    ['an image that is not a JPG or PNG', 'k1', { msgtype: 'image', image: { base64: Buffer.from('GIF89a....').toString('base64'), md5: createHash('md5').update('GIF89a....').digest('hex') } }, 40009],
    ['an unknown msgtype', 'k1', { msgtype: 'voice' }, 40008],
  ])('refuses %s', async (_, key, body, errcode) => {
    await start();
    expect((await post(key, body)).errcode).toBe(errcode);
  });

  it('takes exactly 4096 bytes of markdown', async () => {
    await start();
    expect((await post('k1', md('字'.repeat(1365) + 'x'))).errcode).toBe(0);
  });

  it('answers 45009 past 20 in a rolling minute', async () => {
    await start();
    for (let i = 0; i < 20; i++) {
      expect((await post('k1', md(`m${i}`))).errcode).toBe(0);
      clock.advance(1000);
    }
    expect((await post('k1', md('m20'))).errcode).toBe(45009);
    clock.advance(40_001);
    expect((await post('k1', md('m21'))).errcode).toBe(0);
  });
});

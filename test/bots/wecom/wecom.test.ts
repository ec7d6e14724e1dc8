import { createHash } from 'node:crypto';
import { PNG as PngCodec } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { escapeMarkup, parseMarkup } from '../../../src/render/markup.js';
import { wecomBot } from '../../../bots/wecom/wecom.js';
import { weComImage } from '../../../bots/wecom/image.js';
import { FakeWeCom } from '../../fakes/wecom/fake-wecom.js';
import { failure } from '../../helpers/failure.js';
import { PNG } from '../../helpers/images.js';
import { ctx, deps, message } from '../robot/harness.js';

const KEY = 'wecom-key-0123456789abcdef';
const clock = new ManualClock(1_700_000_000_000);
let fake: FakeWeCom;
afterEach(() => fake?.stop());

async function setup(key = KEY) {
  fake = new FakeWeCom({ keys: [KEY], clock });
  await fake.start();
  const d = deps(clock);
  return { bot: wecomBot.create('ops-wecom', wecomBot.options.parse({ webhook: fake.webhook(key) }), d), logs: d.logs };
}
const to = { chat: '', kind: 'group' as const };

/** A PNG of noise, which compresses badly: `side`² pixels come to about 4·side² bytes. */
function noisyPng(side: number): Buffer {
  const png = new PngCodec({ width: side, height: side });
  let x = 12345;
  for (let i = 0; i < png.data.length; i++) png.data[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16;
  return PngCodec.sync.write(png);
}

describe('the WeCom robot', () => {
  it('sends markdown with a coloured title, then the screenshot as an image message with its md5', async () => {
    const { bot } = await setup();
    const res = await bot.send(to, message({ title: '任务失败', level: 'error', body: parseMarkup('**原因** 超时'), image: { data: PNG, mime: 'image/png', filename: 'a.png' } }), ctx());
    const got = fake.received(KEY);
    expect(got.map((m) => m.msgtype)).toEqual(['markdown', 'image']);
    expect(got[0]!.body.markdown.content).toBe('<font color="warning">**任务失败**</font>\n**原因** 超时');
    expect(got[1]!.image!.equals(PNG)).toBe(true);
    expect(got[1]!.body.image.md5).toBe(createHash('md5').update(PNG).digest('hex'));
    expect(res.messageIds).toHaveLength(2);
  });

  it('escapes payload text: no formatting, no <@mention>, no <font>', async () => {
    const { bot } = await setup();
    await bot.send(to, message({ body: parseMarkup(escapeMarkup('<@all> **x** <font color="red">y</font> `z`')) }), ctx());
    expect(fake.received(KEY)[0]!.body.markdown.content).toBe('&lt;@all&gt; \\*\\*x\\*\\* &lt;font color="red"&gt;y&lt;/font&gt; \\`z\\`');
  });

  it('splits markdown over 4096 bytes on line boundaries, every part within the limit', async () => {
    const { bot } = await setup();
    const lines = Array.from({ length: 300 }, (_, i) => `第${i}行：${'录'.repeat(20)}`);
    await bot.send(to, message({ title: '日志', body: parseMarkup(lines.join('\n')) }), ctx());
    const parts = fake.received(KEY).map((m) => m.body.markdown.content as string);
    expect(parts.length).toBeGreaterThan(1);
    expect(fake.stats.refused).toBe(0);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(4096);
    // Each line arrives whole, in order.
    const all = parts.join('\n').split('\n').filter((l) => l.startsWith('第'));
    expect(all).toEqual(lines);
  });

  it('scales a screenshot over 2 MB down to one WeCom takes', async () => {
    const big = noisyPng(800);
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    const { bot } = await setup();
    await bot.send(to, message({ body: parseMarkup('x'), image: { data: big, mime: 'image/png', filename: 'a.png' } }), ctx());
    const img = fake.received(KEY).find((m) => m.msgtype === 'image')!.image!;
    expect(img.length).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(img[0]).toBe(0xff);
  });

  it('links an image it cannot send (not a JPG or PNG) by its public URL, or says which setting shows it', async () => {
    const { bot } = await setup();
    const webp = Buffer.from('RIFF0000WEBPVP8 ', 'latin1');
    await bot.send(to, message({ body: parseMarkup('a'), image: { data: webp, mime: 'image/webp', filename: 'a.webp', publicUrl: 'https://hb.example/media/1?sig=s' } }), ctx());
    await bot.send(to, message({ body: parseMarkup('b'), image: { data: webp, mime: 'image/webp', filename: 'a.webp' } }), ctx());
    const [a, b] = fake.received(KEY).map((m) => m.body.markdown.content as string);
    expect(a).toContain('(https://hb.example/media/1?sig=s)');
    expect(b).toMatch(/server\.publicUrl/);
    expect(weComImage(webp)).toBeUndefined();
  });

  it('waits for the next minute on 45009, and is unhealthy on a wrong key without showing it', async () => {
    const { bot } = await setup();
    for (let i = 0; i < 20; i++) await bot.send(to, message({ body: parseMarkup(`m${i}`) }), ctx());
    expect(await failure(bot.send(to, message({ body: parseMarkup('m20') }), ctx()))).toMatchObject({ retryable: true, retryAfterMs: 60_000, unhealthy: false });
    await fake.stop();
    const wrong = await setup('wrong-key-0123456789abcdef');
    const e = await failure(wrong.bot.send(to, message({ body: parseMarkup('x') }), ctx()));
    expect(e).toMatchObject({ unhealthy: true });
    expect(e.message).toMatch(/93000/);
    expect(e.message).not.toMatch(/wrong-key|from ip|127\.0\.0\.1/);
  });

  it('keeps 20 a minute per robot by default', () => {
    expect(wecomBot.limits).toEqual({ bot: { count: 20, perMs: 60_000 } });
  });
});

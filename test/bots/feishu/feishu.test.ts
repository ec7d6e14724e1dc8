import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { escapeMarkup, parseMarkup } from '../../../src/render/markup.js';
import { feishuBot } from '../../../bots/feishu/feishu.js';
import { FakeFeishu } from '../../fakes/feishu/fake-feishu.js';
import { failure } from '../../helpers/failure.js';
import { PNG } from '../../helpers/images.js';
import { ctx, deps, message } from '../robot/harness.js';

const HOOK = 'feishu-hook-0123456789abcdef';
const SECRET = 'feishu-test-secret';
const APP_SECRET = 'feishu-app-secret-0123456789';
const clock = new ManualClock(1_700_000_000_000);
let fake: FakeFeishu;
afterEach(() => fake?.stop());

async function setup(opts: Record<string, unknown> = {}) {
  fake = new FakeFeishu({ hooks: [{ token: HOOK, secret: SECRET }], apps: [{ appId: 'cli_test', appSecret: APP_SECRET }], clock });
  await fake.start();
  const d = deps(clock);
  const bot = feishuBot.create('ops-feishu', feishuBot.options.parse({ webhook: fake.webhook(HOOK), secret: SECRET, ...opts }), d);
  return { bot, logs: d.logs };
}
const to = { chat: '', kind: 'group' as const };

describe('the Feishu bot', () => {
  it('sends signed post rich text: title, styled runs, links and fields', async () => {
    const { bot } = await setup();
    await bot.send(to, message({ title: '直播开始', body: parseMarkup('**主播** 开播了\n[直播间](https://live.example/1)'), fields: [{ name: '分区', value: '游戏' }] }), ctx());
    const post = fake.received(HOOK)[0]!.body.content.post.zh_cn;
    expect(post.title).toBe('直播开始');
    expect(post.content).toEqual([
      [{ tag: 'text', text: '主播', style: ['bold'] }, { tag: 'text', text: ' 开播了' }],
      [{ tag: 'a', text: '直播间', href: 'https://live.example/1' }],
      [{ tag: 'text', text: '分区', style: ['bold'] }, { tag: 'text', text: ': 游戏' }],
    ]);
  });

  it('keeps payload text literal in a post and escaped in a card', async () => {
    const evil = '<at user_id="all">所有人</at> **x** [a](https://e.example)';
    const { bot } = await setup({ format: 'card' });
    await bot.send(to, message({ title: evil, level: 'error', body: parseMarkup(escapeMarkup(evil)) }), ctx());
    const c = fake.received(HOOK)[0]!.body.card;
    expect(c.header).toEqual({ title: { tag: 'plain_text', content: evil }, template: 'red' });
    expect(c.elements[0].content).toBe('&lt;at user&#95;id="all"&gt;所有人&lt;/at&gt; &#42;&#42;x&#42;&#42; &#91;a&#93;&#40;https://e.example&#41;');
  });

  it('uploads a screenshot with the app credentials and shows it by image_key, fetching the token once', async () => {
    const { bot } = await setup({ appId: 'cli_test', appSecret: APP_SECRET });
    for (let i = 0; i < 2; i++) await bot.send(to, message({ body: parseMarkup('done'), image: { data: PNG, mime: 'image/png', filename: 'a.png' } }), ctx());
    const lines = fake.received(HOOK)[1]!.body.content.post.zh_cn.content;
    const key = lines[lines.length - 1][0].image_key;
    expect(fake.images.get(key)?.equals(PNG)).toBe(true);
    expect(fake.stats.tokens).toBe(1);
  });

  it('without app credentials (or with a wrong app secret) shows the image by URL, never logging the secret', async () => {
    const { bot, logs } = await setup({ appId: 'cli_test', appSecret: 'wrong-app-secret-000000' });
    await bot.send(to, message({ body: parseMarkup('a'), image: { data: PNG, mime: 'image/png', filename: 'a.png', publicUrl: 'https://hb.example/media/2?sig=x' } }), ctx());
    await bot.send(to, message({ body: parseMarkup('b'), image: { data: PNG, mime: 'image/png', filename: 'a.png' } }), ctx());
    const [a, b] = fake.received(HOOK).map((m) => m.body.content.post.zh_cn.content.flat());
    expect(a).toContainEqual({ tag: 'a', text: '截图 / screenshot', href: 'https://hb.example/media/2?sig=x' });
    expect(JSON.stringify(b)).toMatch(/server\.publicUrl/);
    expect(logs()).toMatch(/could not upload/);
    expect(logs()).not.toContain('wrong-app-secret');
  });

  it('is unhealthy on a wrong secret (19021) or hook (19001), hiding the hook token', async () => {
    const { bot } = await setup({ secret: 'not-the-secret-0000' });
    const e = await failure(bot.send(to, message({ body: parseMarkup('x') }), ctx()));
    expect(e).toMatchObject({ unhealthy: true });
    expect(e.message).toMatch(/19021.*secret/);
    const other = feishuBot.create('x', feishuBot.options.parse({ webhook: fake.webhook('unknown-hook-0123456789') }), deps(clock));
    const e2 = await failure(other.send(to, message({ body: parseMarkup('x') }), ctx()));
    expect(e2.message).toMatch(/19001/);
    expect(e2.message).not.toContain('unknown-hook-0123456789');
  });

  it('waits and retries when throttled (11232)', async () => {
    const { bot } = await setup();
    for (let i = 0; i < 5; i++) await bot.send(to, message({ body: parseMarkup(`m${i}`) }), ctx());
    expect(await failure(bot.send(to, message({ body: parseMarkup('m5') }), ctx()))).toMatchObject({ retryable: true, unhealthy: false, retryAfterMs: 2000 });
  });

  it('splits a body past 20 KB', async () => {
    const { bot } = await setup();
    const lines = Array.from({ length: 800 }, (_, i) => `第${i}行 ${'字'.repeat(12)}`);
    await bot.send(to, message({ title: '日志', body: parseMarkup(lines.join('\n')) }), ctx());
    const got = fake.received(HOOK);
    expect(got.length).toBeGreaterThan(1);
    expect(fake.stats.refused).toBe(0);
    const texts = got.flatMap((m) => m.body.content.post.zh_cn.content.map((l: any[]) => l.map((e) => e.text).join('')));
    expect(texts).toEqual(lines);
  });

  it('keeps 100 a minute and 5 a second by default', () => {
    expect(feishuBot.limits).toEqual({ bot: [{ count: 5, perMs: 1000 }, { count: 100, perMs: 60_000 }] });
  });
});

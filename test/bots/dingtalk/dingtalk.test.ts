import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { parseMarkup, escapeMarkup } from '../../../src/render/markup.js';
import { dingtalkBot } from '../../../bots/dingtalk/dingtalk.js';
import { FakeDingTalk } from '../../fakes/dingtalk/fake-dingtalk.js';
import { failure } from '../../helpers/failure.js';
import { PNG } from '../../helpers/images.js';
import { ctx, deps, message } from '../robot/harness.js';

const SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
const TOKEN = 'dingtalk-access-token-0123456789';
const clock = new ManualClock(1_700_000_000_000);
let fake: FakeDingTalk;
afterEach(() => fake?.stop());

async function setup(opts: Record<string, unknown> = {}, robot: { keywords?: string[] } = {}) {
  fake = new FakeDingTalk({ robots: [{ token: TOKEN, secret: SECRET, ...robot }], clock });
  await fake.start();
  const d = deps(clock);
  const bot = dingtalkBot.create('ops-ding', dingtalkBot.options.parse({ webhook: fake.webhook(TOKEN), secret: SECRET, ...opts }), d);
  return { bot, logs: d.logs };
}
const to = { chat: '', kind: 'group' as const };

describe('the DingTalk robot', () => {
  it('sends a signed markdown message with the title as heading and notification title', async () => {
    const { bot } = await setup();
    const res = await bot.send(to, message({ title: '秘境完成', body: parseMarkup('**用时** 3 分钟'), fields: [{ name: '队伍', value: '1' }] }), ctx());
    expect(res.messageIds).toHaveLength(1);
    const [m] = fake.received(TOKEN);
    expect(m!.body.markdown.title).toBe('秘境完成');
    expect(m!.body.markdown.text).toBe('#### 秘境完成\n\n**用时** 3 分钟  \n**队伍**: 1');
  });

  it('is a one-chat bot: the bot id alone is the target', async () => {
    const { bot } = await setup();
    expect(bot.parseChat('')).toEqual({ chat: '' });
    expect(() => bot.parseChat('123')).toThrow(/'ops-ding'.*bot id alone/);
  });

  it('escapes payload text so it formats nothing and mentions nobody', async () => {
    const { bot } = await setup();
    const evil = '**x** [a](https://evil.example) <font color=red>@all</font> # head\n> quote';
    await bot.send(to, message({ title: '# t', body: parseMarkup(escapeMarkup(evil)) }), ctx());
    const text = fake.received(TOKEN)[0]!.body.markdown.text as string;
    expect(text).toContain('\\*\\*x\\*\\* \\[a\\](https://evil.example) &lt;font color=red&gt;@all&lt;/font&gt; # head  \n&gt; quote');
    expect(text.startsWith('#### \\# t')).toBe(true);
    expect(fake.received(TOKEN)[0]!.body.at).toBeUndefined();
  });

  it('mentions the configured members, with their numbers in the text', async () => {
    const { bot } = await setup({ atMobiles: ['13800000000'], atUserIds: 'user123' });
    await bot.send(to, message({ body: parseMarkup('x') }), ctx());
    const m = fake.received(TOKEN)[0]!.body;
    expect(m.at).toEqual({ atMobiles: ['13800000000'], atUserIds: ['user123'], isAtAll: false });
    expect(m.markdown.text).toMatch(/@13800000000 @user123$/);
  });

  it('shows an image by its public URL, and says in one line which setting shows it when it has none', async () => {
    const { bot } = await setup();
    await bot.send(to, message({ body: parseMarkup('a'), image: { data: PNG, mime: 'image/png', filename: 'a.png', publicUrl: 'https://hb.example/media/7?sig=abc' } }), ctx());
    await bot.send(to, message({ body: parseMarkup('b'), image: { data: PNG, mime: 'image/png', filename: 'a.png' } }), ctx());
    const [a, b] = fake.received(TOKEN).map((m) => m.body.markdown.text as string);
    expect(a).toContain('![screenshot](https://hb.example/media/7?sig=abc)');
    expect(b).toMatch(/server\.publicUrl/);
    expect(b!.split('\n').filter((l) => /publicUrl/.test(l))).toHaveLength(1);
  });

  it('splits a text past 20,000 bytes into parts DingTalk takes, in order', async () => {
    const { bot } = await setup();
    const lines = Array.from({ length: 1200 }, (_, i) => `第${i}行 ${'字'.repeat(10)}`);
    const res = await bot.send(to, message({ title: '日志', body: parseMarkup(lines.join('\n')) }), ctx());
    const got = fake.received(TOKEN);
    expect(got.length).toBeGreaterThan(1);
    expect(res.messageIds).toHaveLength(got.length);
    expect(fake.stats.refused).toBe(0);
    const all = got.map((m) => m.body.markdown.text).join('');
    expect(all.indexOf('第0行')).toBeLessThan(all.indexOf('第1199行'));
    expect(got[1]!.body.markdown.title).toBe(`日志 (2/${got.length})`);
  });

  it('paces the parts of a long message, and a retry sends only the parts not yet sent', async () => {
    const { bot } = await setup();
    const lines = Array.from({ length: 1200 }, (_, i) => `第${i}行 ${'字'.repeat(10)}`);
    const msg = message({ title: '日志', body: parseMarkup(lines.join('\n')) });
    const c = { ...ctx(), pace: () => 3000 };
    const e = await failure(bot.send(to, msg, c));
    expect(e).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    expect(fake.received(TOKEN)).toHaveLength(1);
    const res = await bot.send(to, msg, { ...c, pace: () => 0 });
    const titles = fake.received(TOKEN).map((m) => m.body.markdown.title);
    expect(titles).toEqual(titles.map((_, i) => `日志 (${i + 1}/${titles.length})`));
    expect(res).toMatchObject({ paced: true });
  });

  it('puts the keyword in the title so a keyword robot takes every message', async () => {
    const { bot } = await setup({ keyword: 'hookbot' }, { keywords: ['hookbot'] });
    await bot.send(to, message({ title: '告警', body: parseMarkup('x') }), ctx());
    expect(fake.received(TOKEN)[0]!.body.markdown.title).toBe('[hookbot] 告警');
  });

  it('without the keyword, gives up on the message saying which option fixes it', async () => {
    const { bot } = await setup({}, { keywords: ['hookbot'] });
    const e = await failure(bot.send(to, message({ body: parseMarkup('x') }), ctx()));
    expect(e).toMatchObject({ retryable: false, unhealthy: false });
    expect(e.message).toMatch(/310000.*keyword/);
  });

  it('with a wrong secret is unhealthy (held, not dead), keeping the secret and token out of errors and logs', async () => {
    fake = new FakeDingTalk({ robots: [{ token: TOKEN, secret: SECRET }], clock });
    await fake.start();
    const d = deps(clock);
    const wrong = 'SECwrong-secret-0000000000000000';
    const bot = dingtalkBot.create('ops-ding', dingtalkBot.options.parse({ webhook: fake.webhook(TOKEN), secret: wrong }), d);
    await bot.start({ onCommand: async () => undefined, commands: () => [], mount: () => {} });
    const e = await failure(bot.send(to, message({ body: parseMarkup('x') }), ctx()));
    expect(e).toMatchObject({ retryable: true, unhealthy: true });
    expect(e.message).toMatch(/sign not match.*secret/);
    expect(bot.health()).toMatchObject({ state: 'unhealthy' });
    for (const s of [e.message, String(e.cause ?? ''), d.logs()]) {
      expect(s).not.toContain(TOKEN);
      expect(s).not.toContain(wrong);
    }
  });

  it('waits out the 10-minute penalty when throttled, and retries after -1 busy', async () => {
    const { bot } = await setup();
    fake.failNext(130101, 'send too fast, exceed 20 times per minute');
    expect(await failure(bot.send(to, message({ body: parseMarkup('x') }), ctx()))).toMatchObject({ retryable: true, retryAfterMs: 600_000, unhealthy: false });
    fake.failNext(-1, '系统繁忙');
    expect(await failure(bot.send(to, message({ body: parseMarkup('x') }), ctx()))).toMatchObject({ retryable: true, unhealthy: false });
  });

  it('retries when the webhook cannot be reached, without the URL in the error', async () => {
    const { bot } = await setup();
    await fake.stop();
    const e = await failure(bot.send(to, message({ body: parseMarkup('x') }), ctx()));
    expect(e.retryable).toBe(true);
    expect(e.message).not.toContain(TOKEN);
  });

  it('keeps 20 a minute per robot by default, and refuses a webhook without access_token', () => {
    expect(dingtalkBot.limits).toEqual({ bot: { count: 20, perMs: 60_000 } });
    const r = dingtalkBot.options.safeParse({ webhook: 'https://oapi.dingtalk.com/robot/send' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/access_token/);
  });
});

// The dashboard's preview shows what each platform receives, with payload text escaped as the
// platform needs it.
import { describe, expect, it } from 'vitest';
import { previews } from '../../bots/previews.js';
import type { Message } from '../../src/message.js';
import { plainPreview, previewFor } from '../../src/preview.js';

const msg: Message = {
  title: 'Build <failed> & *bold*',
  body: [{ kind: 'text', text: 'see ' }, { kind: 'link', url: 'https://ci.example/1', children: [{ kind: 'text', text: 'run 1' }] }],
  fields: [{ name: 'branch', value: 'main' }],
  level: 'error',
  source: 'ci',
  event: 'build.failed',
  time: '2026-12-01T00:00:00Z',
  silent: false,
};

describe('previews', () => {
  it('gives each configured bot its platform’s form, and plain text for a platform without one', async () => {
    const got = await previewFor(() => msg, [['tg', { platform: 'telegram' }], ['dc', { platform: 'discord' }], ['sl', { platform: 'slack' }], ['con', { platform: 'console' }], ['qq', { platform: 'onebot-test' }]], previews);
    const by = Object.fromEntries(got.map((p) => [p.bot, p]));
    expect(by['tg']!.format).toBe('html');
    expect(by['tg']!.text).toContain('<b>Build &lt;failed&gt; &amp; *bold*</b>');
    expect(by['tg']!.text).toContain('<a href="https://ci.example/1">run 1</a>');
    expect(by['dc']!.format).toBe('json');
    expect(JSON.parse(by['dc']!.text).embeds[0].title).toContain('Build <failed>');
    expect(by['sl']!.format).toBe('json');
    expect(by['sl']!.text).toContain('&lt;failed&gt;');
    expect(by['con']!.text.split('\n')[0]).toBe('Build <failed> & *bold*');
    expect(by['qq']).toEqual({ bot: 'qq', platform: 'onebot-test', ...plainPreview(msg) });
    expect(by['qq']!.text).toBe('Build <failed> & *bold*\nsee run 1\nbranch: main');
  });

  it('QQ plain with the link written out, DingTalk and WeCom robot markdown with the title as a heading', async () => {
    const got = await previewFor(() => msg, [['qq', { platform: 'onebot' }], ['ding', { platform: 'dingtalk' }], ['wx', { platform: 'wecom' }]], previews);
    const by = Object.fromEntries(got.map((p) => [p.bot, p]));
    expect(by['qq']).toMatchObject({ format: 'text', text: 'Build <failed> & *bold*\nsee run 1 (https://ci.example/1)\nbranch: main' });
    expect(by['ding']!.format).toBe('markdown');
    expect(by['ding']!.text).toMatch(/^#### Build &lt;failed&gt; &amp; \\\*bold\\\*\n/);
    expect(by['ding']!.text).toContain('[run 1](https://ci.example/1)');
    expect(by['wx']!.format).toBe('markdown');
    expect(by['wx']!.text).toMatch(/^<font color="warning">\*\*Build/);
  });
});

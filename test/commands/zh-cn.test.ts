// locale: zh-CN means Chinese everywhere a chat user reads hookbot's own words.
import { describe, expect, it } from 'vitest';
import { newEventId } from '../../src/event-id.js';
import { parseMarkup, plainText } from '../../src/render/markup.js';
import { cmd, makePlane, T0 } from './harness.js';

const YAML = `
locale: zh-CN
timezone: Asia/Shanghai
bots:
  tg: { platform: console, admins: ["42"] }
sources:
  bgi: { format: bettergi, token: "0123456789abcdef0123" }
commands:
  - { name: run, request: { url: "http://127.0.0.1:1/x?task={{ args }}" } }
`;

// What may stay in Latin letters: names from the config and the payload, ids, command names and
// their arguments, units and placeholders that are the same in both languages.
const ALLOWED = /chat not found|\b[a-z]+\.[a-z]+\b|\/[a-z_]+(?:@\w+)?|`[^`]*`|\b(?:hookbot|tg|console|bgi|run|user|all|describe|UTC|HTTP|ms|min|h|d|s|m|ID|URL|http|https|domain\.end|notify\.test|task\.error|alice|nosuch|nosuchsource|stauts|bots|admins|users|to_group|to|groups|people|Done|Start)\b|0\.1\.0-test|evt_\w+|https?:\/\/\S+|[a-z]+:[-\w/]+/g;

function leftoverEnglish(text: string): string[] {
  const plain = plainText(parseMarkup(text)).replace(ALLOWED, ' ');
  return plain.match(/[A-Za-z]{2,}/g) ?? [];
}

describe('zh-CN command replies', () => {
  it('answers every built-in command in Chinese, times in the configured zone', async () => {
    const { plane, store, clock } = makePlane(YAML);
    await store.ingest({
      id: newEventId(T0),
      source: 'bgi',
      notice: { source: 'bgi', format: 'bettergi', event: 'domain.end', level: 'success', title: 'Done', time: new Date(T0).toISOString(), vars: {} },
      deliveries: [{ bot: 'tg', chat: '-100777', kind: 'group', target: 'tg:-100777', silent: false }],
    });
    const [claimed] = await store.claimDue(T0, 10, ['tg']);
    await store.markDead(claimed!, 'chat not found', T0);
    clock.advance(3600_000 + 5 * 60_000);
    const failed = plainText(parseMarkup((await plane.handle(cmd('failed')))!.text));
    // 12:00 UTC is 20:00 in Shanghai.
    expect(failed).toContain('2024-05-01 20:00 UTC+8');
    const asked: [string, string][] = [
      ['help', ''], ['whoami', ''], ['status', ''], ['recent', ''], ['recent', 'bgi'], ['recent', 'nosuch'], ['failed', ''],
      ['mute', 'bgi 1h'], ['mute', 'nosuchsource 1h'], ['mute', 'bgi 30'], ['mutes', ''], ['unmute', 'bgi'], ['unmute', ''], ['retry', 'all'],
      ['retry', '999'], ['retry', 'x y'], ['test', ''], ['audit', ''], ['nosuch', ''], ['stauts', ''],
    ];
    for (const [name, args] of asked) {
      const r = await plane.handle(cmd(name, args, { kind: 'user', chatId: '42' }));
      expect(r, `/${name} ${args}`).toBeDefined();
      expect(leftoverEnglish(r!.text), `/${name} ${args}: ${r!.text}`).toEqual([]);
    }
    const status = (await plane.handle(cmd('status')))!.text;
    expect(status).toContain('已运行 1小时5分钟');
    expect(status).toMatch(/待发送 \d, 发送中 \d, 已发送 \d, 失败 \d, 已静音 \d/);
  });

  it('localizes the command menus and descriptions the platforms register', () => {
    const { plane } = makePlane(YAML);
    const menu = Object.fromEntries(plane.commandsFor('tg').map((c) => [c.name, c]));
    expect(menu['help']!.description).toBe('列出你可以使用的命令');
    expect(menu['mute']).toMatchObject({ description: '暂时静音一个来源或一类事件（支持通配符）', usage: '<来源|事件通配符> <时长>' });
    expect(menu['run']!.description).toBe('调用 127.0.0.1:1');
  });
});

describe('typos in commands', () => {
  it('refuses /mute of a pattern that names no source and matches no known event, with a did-you-mean', async () => {
    const { plane, store } = makePlane(YAML.replace('locale: zh-CN', 'locale: en'));
    const said = async (args: string) => plainText(parseMarkup((await plane.handle(cmd('mute', args)))!.text));
    expect(await said('nosuchsource 1h')).toMatch(/^'nosuchsource' names no source and matches no event hookbot knows\. Sources: bgi\. Events: .*domain\.end/);
    expect(await said('bgj 1h')).toMatch(/^'bgj' names no source .*: did you mean 'bgi'\?/);
    expect(await said('domain.ned 1h')).toMatch(/did you mean 'domain\.end'\?/);
    expect(await store.activeMutes(0)).toEqual([]);
    // Sources, documented events and globs that match one are fine.
    expect(await said('bgi 1h')).toMatch(/^Muted bgi/);
    expect(await said('domain.* 1h')).toMatch(/^Muted domain\.\*/);
    expect(await said('task.error 1h')).toMatch(/^Muted task\.error/);
  });

  it('accepts a mute of an event seen lately, even from a format that documents none', async () => {
    const { plane, store } = makePlane(YAML.replace('locale: zh-CN', 'locale: en'));
    await store.ingest({ id: newEventId(T0), source: 'bgi', notice: { source: 'bgi', format: 'generic', event: 'backup.done', level: 'info', time: new Date(T0).toISOString(), vars: {} }, deliveries: [] });
    expect((await plane.handle(cmd('mute', 'backup.* 1h')))!.text).toMatch(/^Muted `backup\.\*`/);
  });

  it('suggests the command meant by an unknown one', async () => {
    const { plane } = makePlane(YAML.replace('locale: zh-CN', 'locale: en'));
    const r = await plane.handle(cmd('stauts', '', { kind: 'user', chatId: '42' }));
    expect(plainText(parseMarkup(r!.text))).toBe('Unknown command /stauts: did you mean /status? /help lists the commands you may use.');
  });
});

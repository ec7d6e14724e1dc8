import { describe, expect, it } from 'vitest';
import { commandFromEvent, parseCqString } from '../../../bots/onebot/command.js';

const SELF = 2854196310;
const ev = (over: Record<string, unknown>) => ({ time: 1, self_id: SELF, post_type: 'message', message_type: 'group', sub_type: 'normal', message_id: 7, user_id: 10001, group_id: 123456789, sender: { user_id: 10001, nickname: '小明', card: '' }, ...over });
const text = (t: string) => [{ type: 'text', data: { text: t } }];
const at = (qq: number | string) => ({ type: 'at', data: { qq: String(qq) } });

describe('commands from OneBot message events', () => {
  it.each<[string, Record<string, unknown>, object | undefined]>([
    ['a group command as a segment array', ev({ message: text('/status') }), { name: 'status', args: '', chat: { id: '123456789', kind: 'group' }, user: { id: '10001', name: '小明' }, addressed: false }],
    ['a group command as a CQ string', ev({ message: '/mute bgi 1h' }), { name: 'mute', args: 'bgi 1h', chat: { id: '123456789', kind: 'group' } }],
    ['@bot then the command (array)', ev({ message: [at(SELF), ...text(' whoami')] }), { name: 'whoami', addressed: true }],
    ['@bot then the command (CQ string)', ev({ message: `[CQ:at,qq=${SELF}] /test ops` }), { name: 'test', args: 'ops', addressed: true }],
    ['a private command', ev({ message_type: 'private', sub_type: 'friend', group_id: undefined, message: text('/whoami') }), { name: 'whoami', chat: { id: '10001', kind: 'user' }, addressed: true }],
    ['numeric ids as strings', ev({ user_id: '10001', group_id: '123456789', message: text('/help') }), { name: 'help', user: { id: '10001', name: '小明' } }],
    ['the group card before the nickname', ev({ sender: { nickname: 'n', card: '群名片' }, message: text('/help') }), { user: { id: '10001', name: '群名片' } }],
    ['raw_message when message is missing', ev({ message: undefined, raw_message: '/recent 5' }), { name: 'recent', args: '5' }],
    ['plain chat is no command', ev({ message: text('hello everyone') }), undefined],
    ['@someone else then text is no command', ev({ message: [at(999999), ...text(' status')] }), undefined],
    ['the bot’s own message', ev({ user_id: SELF, message: text('/status') }), undefined],
    ['message_sent (reportSelfMessage)', ev({ post_type: 'message_sent', message: text('/status') }), undefined],
    ['anonymous group message', ev({ sub_type: 'anonymous', message: text('/status') }), undefined],
    ['a group message without group_id', ev({ group_id: undefined, message: text('/status') }), undefined],
    ['a malformed message field', ev({ message: 42 }), undefined],
    ['a notice event', { post_type: 'notice', notice_type: 'group_increase' }, undefined],
  ])('%s', (_n, event, want) => {
    const cmd = commandFromEvent(event, 'qq');
    if (want === undefined) return expect(cmd).toBeUndefined();
    expect(cmd).toMatchObject({ bot: 'qq', platform: 'onebot', ...want });
  });

  it.each([
    ['plain', 'hello', [{ type: 'text', data: { text: 'hello' } }]],
    ['escapes', '&#91;x&#93; &amp; y', [{ type: 'text', data: { text: '[x] & y' } }]],
    ['codes with parameters', 'a[CQ:image,file=https://x/y.png,cache=0]b', [{ type: 'text', data: { text: 'a' } }, { type: 'image', data: { file: 'https://x/y.png', cache: '0' } }, { type: 'text', data: { text: 'b' } }]],
    ['an escaped comma in a parameter', '[CQ:at,qq=1&#44;2]', [{ type: 'at', data: { qq: '1,2' } }]],
  ])('reads a CQ string: %s', (_n, s, want) => {
    expect(parseCqString(s)).toEqual(want);
  });
});

import { describe, expect, it } from 'vitest';
import { inSlackTerms, mentionToCommand, slackTextToPlain, slashToCommand } from '../../../bots/slack/commands.js';
import { escapeMrkdwn, toMrkdwn } from '../../../bots/slack/mrkdwn.js';
import { slackBot } from '../../../bots/slack/slack.js';
import { parseMarkup } from '../../../src/render/markup.js';
import pino from 'pino';

describe('neutral markup → Slack mrkdwn', () => {
  it.each([
    ['plain & <b>', 'plain &amp; &lt;b&gt;'],
    ['&amp; stays visible', '&amp;amp; stays visible'],
    ['**bold** _it_ `co<de>`', '*bold* _it_ `co&lt;de&gt;`'],
    ['**bold _both_**', '*bold _both_*'],
    ['** spaced **', ' *spaced* '],
    ['[label](https://e.com/?a=1&b=<2>)', '<https://e.com/?a=1&amp;b=%3C2%3E|label>'],
    ['[a|b](https://e.com/x|y)', '<https://e.com/x%7Cy|a|b>'],
    ['[https://e.com](https://e.com)', '<https://e.com>'],
    ['**two\nlines**', '*two*\n*lines*'],
    ['no \\*markup\\* here', 'no *markup* here'],
  ])('%j → %j', (src, want) => {
    expect(toMrkdwn(parseMarkup(src))).toBe(want);
  });

  it('escapes & before < and >', () => {
    expect(escapeMrkdwn('<&>')).toBe('&lt;&amp;&gt;');
  });
});

describe('Slack text from commands → what was typed', () => {
  it.each([
    ['a &lt;b&gt; &amp;amp;', 'a <b> &amp;'],
    ['see <https://e.com/a|e.com/a>', 'see https://e.com/a'],
    ['to <#C0OPS|ops>', 'to <#C0OPS>'],
  ])('%j → %j', (src, want) => expect(slackTextToPlain(src)).toBe(want));

  it.each([
    ['/hookbot', 'mute backup 2h', { name: 'mute', args: 'backup 2h' }],
    ['/hookbot', '', { name: 'help', args: '' }],
    ['/hookbot', 'RETRY all', { name: 'retry', args: 'all' }],
    ['/status', 'now', { name: 'status', args: 'now' }],
  ])('%s %j', (command, text, want) => {
    expect(slashToCommand('slack', '/hookbot', { command, text, user_id: 'U1', channel_id: 'C1' })).toMatchObject(want);
  });

  it('refuses slash text that is not a command word', () => {
    expect(slashToCommand('slack', '/hookbot', { command: '/hookbot', text: '¿qué?', user_id: 'U1', channel_id: 'C1' })).toBeUndefined();
  });

  it.each([
    ['<@UBOT> status', { name: 'status', args: '' }],
    ['hey <@UBOT>   recent 5', { name: 'recent', args: '5' }],
    ['<@UBOT> /whoami', { name: 'whoami', args: '' }],
    ['<@UBOT>', { name: 'help', args: '' }],
    ['<@UBOT> mute <@U0ALICE> 1h', { name: 'mute', args: '<@U0ALICE> 1h' }],
  ])('mention %j', (text, want) => {
    expect(mentionToCommand('slack', 'UBOT', { text, user: 'U1', channel: 'C1', ts: '1.1' })).toMatchObject(want);
  });
});

describe('Slack targets and options', () => {
  const bot = slackBot.create('slack', slackBot.options.parse({ token: 'xoxb-0123456789-abcdef' }), { logger: pino({ level: 'silent' }), clock: { now: () => 0 } });
  it.each([
    ['C0123ABCD', { chat: 'C0123ABCD', thread: undefined }],
    ['G0123ABCD', { chat: 'G0123ABCD', thread: undefined }],
    ['D0123ABCD', { chat: 'D0123ABCD', thread: undefined }],
    ['U0123ABCD', { chat: 'U0123ABCD', thread: undefined }],
    ['W0123ABCD', { chat: 'W0123ABCD', thread: undefined }],
    ['C0123ABCD/1700000000.000100', { chat: 'C0123ABCD', thread: '1700000000.000100' }],
  ])('parses %s', (raw, want) => expect(bot.parseChat(raw)).toEqual(want));

  it.each(['#general', 'c0123abcd', 'C0123ABCD/42', 'C0123ABCD/', 'X0123ABCD', ''])('rejects %j with a hint', (raw) => {
    expect(() => bot.parseChat(raw)).toThrow(/channel id \(C0123ABCD.*whoami/);
  });

  it.each([
    [{ token: 'xoxb-short' }, /shorter than 16/],
    [{ token: 'not-a-slack-token-at-all' }, /xoxb-/],
    [{ token: 'xoxb-0123456789-abcdef', appToken: 'xoxb-0123456789-abcdef' }, /xapp-/],
    [{ token: 'xoxb-0123456789-abcdef', proxy: 'ftp://p:21' }, /socks5h/],
    [{ token: 'xoxb-0123456789-abcdef', apiRoot: 'slack.com/api' }, /absolute URL/],
    [{ token: 'xoxb-0123456789-abcdef', command: 'hookbot' }, /slash command/],
  ])('rejects options %j', (opts, msg) => {
    const r = slackBot.options.safeParse(opts);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join('; ')).toMatch(msg);
  });

  it('has the per-channel limit Slack documents', () => {
    expect(slackBot.limits).toEqual({ user: { count: 1, perMs: 1000 }, group: { count: 1, perMs: 1000 } });
  });
});

describe('command names in replies, written the Slack way', () => {
  const names = ['help', 'whoami', 'mute', 'mutes', 'retry', 'failed', 'run'];
  it.each([
    ['Sorry, /mute is for admins. An admin can add your id (see /whoami) to `bots.slack.admins`.', 'Sorry, /hookbot mute is for admins. An admin can add your id (see /hookbot whoami) to `bots.slack.admins`.'],
    ['Usage: /retry <id|all>, e.g. /retry 42 (ids are in /failed)', 'Usage: /hookbot retry <id|all>, e.g. /hookbot retry 42 (ids are in /hookbot failed)'],
    ['/help lists them; /mutes shows mutes', '/hookbot help lists them; /hookbot mutes shows mutes'],
    ['`/run daily`', '`/hookbot run daily`'],
    ['see https://e.com/help and a/retry and /unknown and /help@bot', 'see https://e.com/help and a/retry and /unknown and /help@bot'],
  ])('%j', (text, want) => expect(inSlackTerms(text, '/hookbot', names)).toBe(want));

  it('uses the configured slash command', () => {
    expect(inSlackTerms('/help', '/ops', names)).toBe('/ops help');
  });
});

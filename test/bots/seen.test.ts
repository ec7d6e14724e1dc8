// The readers the adapter contract test sees messages through: if they were lenient, the contract's
// "nothing injected" checks would pass on anything.
import { describe, expect, it } from 'vitest';
import { fromDiscord, fromMrkdwn, fromTelegram, type Seen } from './seen.js';

describe('reading Discord markdown', () => {
  it.each<[string, Seen]>([
    ['**b** *i* _u_ `c` [l](<https://x.example/a>)', { text: 'b i u c l', runs: [{ kind: 'bold', text: 'b' }, { kind: 'italic', text: 'i' }, { kind: 'italic', text: 'u' }, { kind: 'code', text: 'c' }, { kind: 'link', text: 'l', url: 'https://x.example/a' }] }],
    ['\\*a\\* \\_b\\_ \\[c\\](d) \\`e\\`', { text: '*a* _b_ [c](d) `e`', runs: [] }],
    ['a *lone star', { text: 'a lone star', runs: [{ kind: 'italic', text: 'lone star' }] }],
    ['hi <@123456789012345678>', { text: 'hi <@123456789012345678>', runs: [{ kind: 'mention', text: '<@123456789012345678>' }] }],
    ['`` a`b ``', { text: 'a`b', runs: [{ kind: 'code', text: 'a`b' }] }],
  ])('%j', (md, want) => expect(fromDiscord(md)).toEqual(want));
});

describe('reading Slack mrkdwn', () => {
  it.each<[string, Seen]>([
    ['*b* _i_ `c` <https://x.example/?a=1&amp;b=2|l>', { text: 'b i c l', runs: [{ kind: 'bold', text: 'b' }, { kind: 'italic', text: 'i' }, { kind: 'code', text: 'c' }, { kind: 'link', text: 'l', url: 'https://x.example/?a=1&b=2' }] }],
    ['&lt;b&gt; &amp;amp; a*b*c snake_case_name', { text: '<b> &amp; a*b*c snake_case_name', runs: [] }],
    ['hey <!channel> <@U1>', { text: 'hey !channel @U1', runs: [{ kind: 'mention', text: '!channel' }, { kind: 'mention', text: '@U1' }] }],
    ['at <!date^1714564800^{date_short_pretty}|2024-05-01>', { text: 'at 2024-05-01', runs: [] }],
    ['* not bold *', { text: '* not bold *', runs: [] }],
  ])('%j', (md, want) => expect(fromMrkdwn(md)).toEqual(want));
});

describe('reading Telegram entities', () => {
  it('maps entities to runs over the text', () => {
    expect(fromTelegram('Title and link', [{ type: 'bold', offset: 0, length: 5 }, { type: 'text_link', offset: 10, length: 4, url: 'https://x.example' }])).toEqual({
      text: 'Title and link',
      runs: [{ kind: 'bold', text: 'Title' }, { kind: 'link', text: 'link', url: 'https://x.example' }],
    });
  });
});

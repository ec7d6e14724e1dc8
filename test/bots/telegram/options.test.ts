import { describe, expect, it } from 'vitest';
import { parseTelegramChat, telegramOptions } from '../../../bots/telegram/options.js';

const TOKEN = '123456789:AAHfakefakefakefakefakefakefakefake1';

describe('Telegram chat targets', () => {
  it.each([
    ['123456789', { chat: '123456789', thread: undefined }],
    ['-1001234567890', { chat: '-1001234567890', thread: undefined }],
    ['-1001234567890/42', { chat: '-1001234567890', thread: '42' }],
    ['@mychannel', { chat: '@mychannel', thread: undefined }],
    ['@my_channel/7', { chat: '@my_channel', thread: '7' }],
  ])('%s', (raw, want) => {
    expect(parseTelegramChat(raw)).toEqual(want);
  });

  it.each(['', 'abc', '-100/x', '@ab', '12/34/56', '1 2', '@name-with-dash'])('rejects %j with a hint', (raw) => {
    expect(() => parseTelegramChat(raw)).toThrow(/is not a Telegram chat: use a numeric chat id .* or @channelname/);
  });
});

describe('Telegram bot options', () => {
  const err = (input: Record<string, unknown>) => {
    const r = telegramOptions.safeParse({ token: TOKEN, ...input });
    return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };

  it('defaults: api.telegram.org, no link previews', () => {
    expect(telegramOptions.parse({ token: TOKEN })).toEqual({ token: TOKEN, apiRoot: 'https://api.telegram.org', linkPreviews: false });
  });

  it.each([
    [{ token: 'short' }, /token: is shorter than 16 characters/],
    [{ token: 'not-a-telegram-token-at-all' }, /token: is not a Telegram bot token/],
    [{ apiRoot: 'http://127.0.0.1:8081/' }, /apiRoot: Remove the trailing '\/' from the 'apiRoot' option \(use 'http:\/\/127.0.0.1:8081' instead of 'http:\/\/127.0.0.1:8081\/'\)/],
    [{ apiRoot: 'ftp://x' }, /apiRoot: must be an http/],
    [{ proxy: 'socks4://127.0.0.1:1080' }, /proxy: has scheme 'socks4:': use http, https, socks5 or socks5h/],
    [{ proxy: 'nonsense' }, /proxy: is not a URL: write e.g. http:/],
    [{ webhook: { url: 'https://x.example/tg', secret: 'has spaces in it ok?' } }, /webhook.secret: may only contain/],
    [{ webhook: { url: 'https://x.example/tg', secret: 'short' } }, /webhook.secret: is shorter than 16/],
    [{ webhook: { url: 'nope', secret: 'a'.repeat(20) } }, /webhook.url: must be the public/],
    [{ linkPreview: true }, /unrecognized|Unrecognized/],
  ])('rejects %j', (input, re) => {
    expect(err(input)).toMatch(re);
  });

  it.each(['http://127.0.0.1:3128', 'https://proxy.example:443', 'socks5://127.0.0.1:1080', 'socks5h://u:p@127.0.0.1:1080'])('accepts proxy %s', (proxy) => {
    expect(err({ proxy })).toBeUndefined();
  });
});

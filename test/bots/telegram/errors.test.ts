import { describe, expect, it } from 'vitest';
import { maskToken } from '../../../bots/telegram/errors.js';

const TOKEN = '123456789:AAHfakefakefakefakefakefakefakefake1';

describe('bot tokens are masked', () => {
  it.each([
    ['in a Bot API URL', `request to http://127.0.0.1:1/bot${TOKEN}/sendMessage failed`, 'request to http://127.0.0.1:1/bot123456789:***/sendMessage failed'],
    ['anywhere in text', `token=${TOKEN}.`, 'token=123456789:***.'],
    ['twice', `${TOKEN} ${TOKEN}`, '123456789:*** 123456789:***'],
    ['a token we were not told about', 'bot987654321:ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ/getMe', 'bot987654321:***/getMe'],
    ['not a token: a time or a port', 'at 12:30 on 127.0.0.1:8080', 'at 12:30 on 127.0.0.1:8080'],
  ])('%s', (_name, text, want) => {
    expect(maskToken(text, TOKEN)).toBe(want);
  });
});

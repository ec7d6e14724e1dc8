// Telegram's error texts go through the kit's masking: the secrets its declaration names, and bot
// token shapes anywhere (a token hookbot was not told about, quoted by a proxy or a library).
import { describe as group, expect, it } from 'vitest';
import { describe } from '../../../bots/telegram/errors.js';
import { telegramPlatform } from '../../../bots/telegram/platform.js';
import { masker, secretValues } from '../../../src/kit/secrets.js';

const TOKEN = '123456789:AAHfakefakefakefakefakefakefakefake1';
const WEBHOOK_SECRET = 'telegram-webhook-secret-value';
const mask = masker(secretValues({ token: TOKEN, webhook: { secret: WEBHOOK_SECRET } }, telegramPlatform.capabilities.secrets));

group('bot tokens are masked', () => {
  it.each([
    ['in a Bot API URL', `request to http://127.0.0.1:1/bot${TOKEN}/sendMessage failed`, 'request to http://127.0.0.1:1/bot***/sendMessage failed'],
    ['anywhere in text', `token ${TOKEN}.`, 'token ***.'],
    ['twice', `${TOKEN} ${TOKEN}`, '*** ***'],
    ['the webhook secret', `secret_token ${WEBHOOK_SECRET} refused`, 'secret_token *** refused'],
    ['a token we were not told about, in a URL', 'bot987654321:ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ/getMe', 'bot***/getMe'],
    ['a token we were not told about, anywhere', 'got 987654321:ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ back', 'got *** back'],
    ['not a token: a time or a port', 'at 12:30 on 127.0.0.1:8080', 'at 12:30 on 127.0.0.1:8080'],
  ])('%s', (_name, text, want) => {
    expect(describe(new Error(text), mask)).toBe(want);
  });
});

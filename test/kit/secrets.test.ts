import { describe, expect, it } from 'vitest';
import { botModules } from '../../bots/index.js';
import { mask } from '../../src/log.js';
import { masker, registerConfigSecrets, secretValues } from '../../src/kit/secrets.js';

describe('secrets from the declarations', () => {
  it.each([
    ['top-level keys', { token: 'tok-0123456789abcdef', apiRoot: 'https://x' }, ['token'], ['tok-0123456789abcdef']],
    ['nested keys', { token: 'a', webhook: { url: 'https://x', secret: 'hook-secret-0123456789' } }, ['webhook.secret'], ['hook-secret-0123456789']],
    ['absent keys', { token: 'a' }, ['appToken', 'webhook.secret'], []],
  ])('%s', (_n, options, keys, want) => {
    expect(secretValues(options, keys)).toEqual(want);
  });

  it('every platform declares the option keys it has as secrets', () => {
    for (const p of Object.values(botModules)) {
      const shape = (p.options as unknown as { shape: Record<string, unknown> }).shape;
      for (const key of p.capabilities.secrets) expect(Object.keys(shape), `${p.platform}: ${key}`).toContain(key.split('.')[0]);
    }
  });

  it('a masker hides the secrets it was given, a longer one whole, and token shapes too', () => {
    const m = masker(['abc-secret-0123456789', 'abc-secret-0123456789-longer']);
    expect(m('x abc-secret-0123456789-longer y abc-secret-0123456789 z')).toBe('x *** y *** z');
    expect(m('Authorization: Bearer zzzzzzzzzzzzzzzz')).toBe('Authorization: Bearer ***');
  });

  it('registers the bots’ declared secrets, the sources’ tokens and custom command headers with the logger', () => {
    registerConfigSecrets(
      {
        server: { apiToken: 'api-token-registered-01' },
        bots: { tg: { platform: 'telegram', token: '123456:tg-token-registered-01', webhook: { secret: 'tg-hook-registered-01' } } },
        sources: { s: { format: 'report', token: 'src-token-registered-01', hmac: { secret: 'src-hmac-registered-01' } } },
        commands: [{ request: { headers: { Authorization: 'Bearer cmd-header-registered-01' } } }],
      },
      botModules,
    );
    for (const s of ['api-token-registered-01', '123456:tg-token-registered-01', 'tg-hook-registered-01', 'src-token-registered-01', 'src-hmac-registered-01', 'cmd-header-registered-01'])
      expect(mask(`see ${s}.`), s).toBe('see ***.');
  });
});

import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { sourceSecurityShape, trustProxiesSchema } from '../../src/auth/options.js';

const schema = z.strictObject(sourceSecurityShape);

function problems(input: unknown): string[] {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('security options in a source config', () => {
  it.each([
    ['a Standard Webhooks secret', { signature: { scheme: 'standard-webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } }],
    ['rotation secrets', { signature: { scheme: 'github', secrets: ['old-secret', 'new-secret'] } }],
    ['a generic hmac', { signature: { secret: 'generic-secret', header: 'X-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=', signed: '{timestamp}.{body}', timestampHeader: 'X-Timestamp', tolerance: '2m' } }],
    ['grafana with its timestamp header', { signature: { scheme: 'grafana', secret: 's', timestampHeader: 'X-Grafana-Alerting-Signature-Timestamp' } }],
    ['an allow-list', { allowIps: ['10.0.0.0/8', '192.0.2.1', '2001:db8::/32', '::ffff:10.0.0.0/104'] }],
    ['a rate limit', { rateLimit: { count: 30, perMs: 60_000 } }],
  ])('accepts %s', (_what, input) => {
    expect(problems(input)).toEqual([]);
  });

  it.each([
    ['no secret', { signature: { scheme: 'github' } }, "signature: no secret: set 'secret'"],
    ['a Standard Webhooks secret that is not one', { signature: { scheme: 'standard-webhooks', secret: 'not base64!' } }, "signature.secret: is not a Standard Webhooks secret"],
    ['hmac without a header', { signature: { secret: 's' } }, "signature.header: is required with scheme 'hmac'"],
    ['a template without {body}', { signature: { secret: 's', header: 'x', signed: '{timestamp}' } }, 'signature.signed: must contain {body} exactly once'],
    ['{timestamp} without its header', { signature: { secret: 's', header: 'x', signed: '{timestamp}.{body}' } }, 'signature.timestampHeader: is required'],
    ['a timestamp header that is not signed', { signature: { secret: 's', header: 'x', timestampHeader: 'x-ts' } }, 'would stop no replay'],
    ['an unknown placeholder', { signature: { secret: 's', header: 'x', signed: '{ts}.{body}' } }, 'unknown placeholder {ts}'],
    ['a preset with its parts overridden', { signature: { scheme: 'github', secret: 's', algorithm: 'sha1' } }, "signature.algorithm: is fixed by scheme 'github'"],
    ['a timestamp header on a scheme that signs none', { signature: { scheme: 'hookdeck', secret: 's', timestampHeader: 'x-ts' } }, "signature.timestampHeader: is fixed by scheme 'hookdeck'"],
    ['an unknown algorithm', { signature: { secret: 's', header: 'x', algorithm: 'md5' } }, 'signature.algorithm'],
    ['a bad duration', { signature: { scheme: 'slack', secret: 's', tolerance: 'soon' } }, 'signature.tolerance: is not a duration'],
    ['a bad address', { allowIps: ['10.0.0.300'] }, 'allowIps.0: is not an IP address or CIDR range'],
    ['a bad prefix length', { allowIps: ['10.0.0.0/33'] }, 'allowIps.0: is not an IP address or CIDR range'],
    ['an empty allow-list', { allowIps: [] }, 'allowIps: is empty'],
    ['a rate without perMs', { rateLimit: { count: 5 } }, 'rateLimit.perMs'],
  ])('refuses %s, saying what to fix', (_what, input, message) => {
    expect(problems(input).join('\n')).toContain(message);
  });

  it('turns a duration into seconds', () => {
    const r = schema.parse({ signature: { scheme: 'slack', secret: 's', tolerance: '10m' } });
    expect(r.signature?.tolerance).toBe(600);
    expect(schema.parse({ signature: { scheme: 'slack', secret: 's' } }).signature?.tolerance).toBe(300);
  });
});

describe('server.trustProxies entries', () => {
  it.each([
    [['127.0.0.1', '10.0.0.0/8', '::1', 'loopback', 'uniquelocal'], true],
    [['10.0.0.0/99'], false],
    [['proxy.example.com'], false],
  ])('%j valid: %s', (list, ok) => {
    expect(trustProxiesSchema.safeParse(list).success).toBe(ok);
  });
});

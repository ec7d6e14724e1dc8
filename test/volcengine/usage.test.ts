// What hookbot refuses before asking Volcengine, each with what to set.
import { describe, expect, it } from 'vitest';
import { checkTypes, scopeOf } from '../../src/volcengine/manage.js';
import { register } from '../../src/volcengine/manage.js';
import { volcService } from '../../src/volcengine/service.js';
import { VolcUsageError } from '../../src/volcengine/errors.js';
import type { Config } from '../../src/config.js';

const config = (over: Partial<Config> = {}) => ({ server: {}, volcengine: { accessKeyId: 'AK', secretAccessKey: 'SK', region: 'cn-north-1', endpoint: 'http://127.0.0.1:9' }, ...over }) as unknown as Config;
const objects = { get: async () => undefined } as never;
const clock = { now: () => 0 };

describe('Volcengine usage errors', () => {
  it('names the message types and the Vhost/Domain rule', () => {
    expect(checkTypes(['push', 'record'])).toEqual(['push', 'record']);
    expect(() => checkTypes(['push', 'live'])).toThrow(/unknown message type 'live': use push, push_end, record, snapshot, audit_snapshot/);
    expect(scopeOf({ domain: 'd.example.com', app: 'live' })).toEqual({ Vhost: 'd.example.com', App: 'live' });
    expect(scopeOf({ domain: 'd.example.com', byDomain: true })).toEqual({ Domain: 'd.example.com' });
    expect(() => scopeOf({ domain: 'd.example.com', byDomain: true, app: 'live' })).toThrow(VolcUsageError);
  });

  it('says what to set: the volcengine block, the public URL, a source of format volcengine', () => {
    const source = (name: string) => (name === 'volc' ? { format: 'volcengine' } : name === 'rec' ? { format: 'onelive' } : undefined);
    expect(() => volcService({ config: config({ volcengine: undefined }), objects, clock, source, by: 't' })).toThrow(/add volcengine: \{ accessKeyId/);
    const svc = volcService({ config: config(), objects, clock, source, by: 't' });
    expect(() => svc.checkSource('volc')).toThrow(/pass --public-url .* or set server\.publicUrl/);
    const withUrl = volcService({ config: config(), objects, clock, source, by: 't', publicUrl: 'https://hook.example.com/' });
    expect(() => withUrl.checkSource('nope')).toThrow(/no source 'nope'/);
    expect(() => withUrl.checkSource('rec')).toThrow(/has format onelive/);
    expect(withUrl.deps.callbackUrl('volc')).toBe('https://hook.example.com/hooks/volc');
  });

  it('refuses a callback URL longer than the 100 characters Volcengine takes', async () => {
    const svc = volcService({ config: config(), objects, clock, source: () => ({ format: 'volcengine', keys: ['k'] }), by: 't', publicUrl: 'https://' + 'h'.repeat(90) + '.example.com' });
    await expect(register(svc.deps, 'volc', { domain: 'd.example.com' })).rejects.toThrow(/Volcengine allows 100: use a shorter --public-url or source name/);
  });
});

// Rotation's order, against the fake Volcengine with a key ring in memory: the new key is stored
// and confirmed accepted by the running server before any UpdateCallback, and nothing is
// registered when the server did not take it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VolcClient } from '../../src/volcengine/client.js';
import { VolcUsageError } from '../../src/volcengine/errors.js';
import { register, rotate, type ManageDeps } from '../../src/volcengine/manage.js';
import { FakeVolcengine } from '../fakes/volcengine/fake-volcengine.js';

const AK = 'AKLTfakeAccessKey0001';
const SK = 'fakeSecretAccessKey0001==';
const URL = 'https://hook.example.com/hooks/volc';
const target = { domain: 'push.example.com', app: 'live', types: ['push' as const, 'push_end' as const] };

describe('Volcengine key rotation', () => {
  let fake: FakeVolcengine;
  beforeAll(async () => {
    fake = await new FakeVolcengine({ keys: { [AK]: SK } }).start();
  });
  afterAll(async () => fake?.stop());

  /** A server whose running config takes stored keys only when `takes` says so. */
  function deps(takes: () => boolean) {
    const log: string[] = [];
    let stored = ['old-key-0001'];
    let running = [...stored];
    const d: ManageDeps = {
      client: new VolcClient({ credentials: { accessKeyId: AK, secretAccessKey: SK, region: 'cn-north-1', endpoint: fake.url }, clock: { now: Date.now } }),
      keyring: {
        keys: async () => stored,
        setKeys: async (_s, keys) => {
          log.push(`store ${keys.length} keys`);
          stored = keys;
        },
      },
      callbackUrl: () => URL,
      settle: async () => {
        log.push('settle');
        if (takes()) running = [...stored];
      },
      acceptedKeys: () => running,
      by: 'test',
    };
    fake.beforeUpdate = (body) => void log.push(`UpdateCallback ${body['MessageType']} ${running.includes(body['AuthKeyPrimary'] as string) ? 'accepted' : 'NOT accepted'} key`);
    return { d, log, running: () => running };
  }

  it('stores the new key next to the old, waits until it is accepted, then registers it', async () => {
    const { d, log, running } = deps(() => true);
    await register(d, 'volc', target);
    log.length = 0;
    await rotate(d, 'volc', target);
    expect(log).toEqual(['store 2 keys', 'settle', 'UpdateCallback push accepted key', 'UpdateCallback push_end accepted key']);
    const [fresh, old] = running();
    expect(old).toBe('old-key-0001');
    expect(fake.list().map((c) => c.AuthKeyPrimary)).toEqual([fresh, fresh]);
  });

  it('registers nothing when the running config did not take the new key', async () => {
    const { d, log } = deps(() => false);
    const before = fake.list();
    log.length = 0;
    await expect(rotate(d, 'volc', target)).rejects.toThrow(VolcUsageError);
    await expect(rotate(d, 'volc', target)).rejects.toThrow(/did not take the new key of source 'volc' .* nothing was changed on Volcengine/);
    expect(log.filter((l) => l.startsWith('UpdateCallback'))).toEqual([]);
    expect(fake.list()).toEqual(before);
  });
});

// The fake Volcengine OpenAPI holds hookbot's client to the real API's rules: signature, Action and
// Version, and the UpdateCallback body rules, each refused with Volcengine's code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VolcClient, type CallbackConfig } from '../../../src/volcengine/client.js';
import { VolcengineError } from '../../../src/volcengine/errors.js';
import { signRequest } from '../../../src/volcengine/sign.js';
import { FakeVolcengine } from './fake-volcengine.js';

const AK = 'AKLTfakeAccessKey0001';
const SK = 'fakeSecretAccessKey0001==';
const ok: CallbackConfig = { MessageType: 'push', Vhost: 'push.example.com', App: 'live', CallbackDetailList: [{ CallbackType: 'http', URL: 'https://hook.example.com/hooks/volc' }], AuthEnable: true, AuthKeyPrimary: 'k-0001' };

describe('fake Volcengine OpenAPI', () => {
  let fake: FakeVolcengine;
  const client = (over: { sk?: string; ak?: string; now?: number } = {}) =>
    new VolcClient({ credentials: { accessKeyId: over.ak ?? AK, secretAccessKey: over.sk ?? SK, region: 'cn-north-1', endpoint: fake.url }, clock: { now: () => over.now ?? Date.now() } });
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(VolcengineError);
      return { code: (e as VolcengineError).code, status: (e as VolcengineError).httpStatus, message: (e as VolcengineError).volcMessage };
    }
    throw new Error('expected a refusal');
  };
  beforeAll(async () => {
    fake = await new FakeVolcengine({ keys: { [AK]: SK } }).start();
  });
  afterAll(async () => fake?.stop());

  const bodies: [string, Record<string, unknown>, string, RegExp][] = [
    ['Vhost and Domain both', { ...ok, Domain: 'push.example.com' }, 'InvalidParameter', /exactly one of Vhost or Domain/],
    ['neither Vhost nor Domain', { ...ok, Vhost: undefined }, 'MissingParameter', /exactly one of Vhost or Domain/],
    ['App with Domain', { ...ok, Vhost: undefined, Domain: 'push.example.com' }, 'InvalidParameter', /App cannot be given with Domain/],
    ['an unknown MessageType', { ...ok, MessageType: 'live' }, 'InvalidParameter', /MessageType must be one of/],
    ['AuthEnable without AuthKeyPrimary', { ...ok, AuthKeyPrimary: undefined }, 'MissingParameter', /AuthKeyPrimary is required/],
    ['a URL over 100 characters', { ...ok, CallbackDetailList: [{ CallbackType: 'http', URL: 'https://h.example.com/' + 'x'.repeat(90) }] }, 'InvalidParameter', /1-100 characters/],
    ['an App with a space', { ...ok, App: 'my app' }, 'InvalidParameter', /App must be/],
  ];
  for (const [what, body, code, message] of bodies) {
    it(`refuses ${what} with ${code}`, async () => {
      const r = await refusal(client().updateCallback(body as unknown as CallbackConfig));
      expect(r).toMatchObject({ code, status: 400 });
      expect(r.message).toMatch(message);
    });
  }

  it('refuses a wrong secret, an unknown key, a stale X-Date, and an unknown Action or Version', async () => {
    expect(await refusal(client({ sk: 'wrong' }).describeCallback({ Vhost: 'push.example.com' }))).toMatchObject({ code: 'SignatureDoesNotMatch', status: 401 });
    expect(await refusal(client({ ak: 'AKLTnobody' }).describeCallback({ Vhost: 'push.example.com' }))).toMatchObject({ code: 'InvalidAccessKey', status: 401 });
    expect(await refusal(client({ now: Date.now() - 3600_000 }).describeCallback({ Vhost: 'push.example.com' }))).toMatchObject({ code: 'InvalidTimestamp', status: 400 });
    const body = '{}';
    const headers = signRequest({ accessKeyId: AK, secretAccessKey: SK, region: 'cn-north-1', service: 'live', method: 'POST', path: '/', query: { Action: 'UpdateCallback', Version: '2020-08-01' }, body, date: new Date() });
    const res = await fetch(`${fake.url}/?Action=UpdateCallback&Version=2020-08-01`, { method: 'POST', headers, body });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).ResponseMetadata.Error.Code).toBe('InvalidActionOrVersion');
    const unsigned = await fetch(`${fake.url}/?Action=DescribeCallback&Version=2023-01-01`, { method: 'POST', body });
    expect(((await unsigned.json()) as any).ResponseMetadata.Error.Code).toBe('MissingAuthenticationToken');
  });

  it('keeps the list: Update replaces the whole record, Describe filters, Delete without a type removes all', async () => {
    await client().updateCallback(ok);
    await client().updateCallback({ ...ok, AuthEnable: false, AuthKeyPrimary: undefined });
    await client().updateCallback({ ...ok, MessageType: 'record' });
    const push = await client().describeCallback({ Vhost: 'push.example.com', MessageType: 'push' });
    expect(push).toEqual([expect.objectContaining({ MessageType: 'push', AuthEnable: false })]);
    expect(push[0]!.AuthKeyPrimary).toBeUndefined();
    expect(await client().describeCallback({ Vhost: 'push.example.com', App: 'live' })).toHaveLength(2);
    await client().deleteCallback({ Vhost: 'push.example.com', App: 'live' });
    expect(fake.list()).toEqual([]);
  });
});

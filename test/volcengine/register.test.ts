// Registering hookbot on (fake) Volcengine: UpdateCallback per type with the source's URL and key;
// the fake then plays Volcengine and its signed push_start reaches the chat; rotation while
// callbacks flow refuses none; delete takes only our URL out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const KEY = 'volc-primary-key-0001';

describe('Volcengine callback registration', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(`sources:\n  volc: { format: volcengine, keys: ["${KEY}"] }\n`);
  });
  afterAll(async () => h?.close());

  it('registers each type, and a signed push_start from Volcengine reaches the chat', async () => {
    const res = await h.api('POST', '/api/v1/volcengine/register', { source: 'volc', domain: 'push.example.com', app: 'live' });
    expect(res.status).toBe(200);
    expect(res.body.map((v: any) => v.messageType)).toEqual(['push', 'push_end', 'record', 'snapshot']);
    expect(res.body.every((v: any) => v.pointsHere && v.keyIsOurs && v.authEnable)).toBe(true);
    // The key itself never comes back through the API.
    expect(JSON.stringify(res.body)).not.toContain(KEY);
    const held = h.fake.list();
    expect(held).toHaveLength(4);
    for (const c of held) {
      expect(c).toMatchObject({ Vhost: 'push.example.com', App: 'live', AuthEnable: true, AuthKeyPrimary: KEY, CallbackDetailList: [{ CallbackType: 'http', URL: `${h.base}/hooks/volc` }] });
    }

    const attempts = await h.fake.sendEvent('push', { vhost: 'push.example.com', app: 'live', stream: 'room-42', eventType: 'push_start' });
    expect(attempts.map((a) => a.status)).toEqual([200]);
    await h.waitSent((s) => s.some((m) => m.target === 'console:ops' && m.text.includes('room-42')), 'the push_start notice');
  });

  it('/volc describe answers admins in chat, and only admins', async () => {
    const { makePlane, cmd, BASE_YAML } = await import('../commands/harness.js');
    const { volcChat } = await import('../../src/volcengine/chat.js');
    const live = h.hb.live;
    const chat = volcChat(() => ({ config: live.current.config, objects: { get: async () => undefined } as never, clock: { now: Date.now }, source: (n) => live.current.config.sources[n] as { format: string; keys?: string[] } }));
    const { plane } = makePlane(BASE_YAML, { volcengine: chat });
    const { parseMarkup, plainText } = await import('../../src/render/markup.js');
    const text = plainText(parseMarkup((await plane.handle(cmd('volc', 'describe volc push.example.com live')))!.text));
    expect(text).toMatch(/push_end \(app live\): points at this hookbot; signed with our key/);
    expect(text).not.toContain(KEY);
    expect((await plane.handle(cmd('volc', 'describe volc push.example.com', { userId: '99' })))!.text).toMatch(/is for admins/);
    expect((await plane.handle(cmd('volc', 'list')))!.text).toContain('Usage: /volc describe <source> <domain> \\[app\\]');
  });

  it('keeps another receiver already registered for a type', async () => {
    const { VolcClient } = await import('../../src/volcengine/client.js');
    const client = new VolcClient({ credentials: { accessKeyId: 'AKLTfakeAccessKey0001', secretAccessKey: 'fakeSecretAccessKey0001==', region: 'cn-north-1', endpoint: h.fake.url }, clock: { now: Date.now } });
    const [push] = await client.describeCallback({ Vhost: 'push.example.com', App: 'live', MessageType: 'push' });
    await client.updateCallback({ ...push!, CallbackDetailList: [...push!.CallbackDetailList, { CallbackType: 'http', URL: 'https://other.example.com/cb' }] } as never);
    await h.api('POST', '/api/v1/volcengine/register', { source: 'volc', domain: 'push.example.com', app: 'live', types: ['push'] });
    const after = h.fake.list().find((c) => c.MessageType === 'push')!;
    expect(after.CallbackDetailList.map((d) => d.URL)).toEqual([`${h.base}/hooks/volc`, 'https://other.example.com/cb']);
  });

  it('rotates the key while callbacks flow, refusing none, and keeps the old key as secondary', async () => {
    const push = { vhost: 'push.example.com', app: 'live', eventType: 'push_end' };
    const url = `${h.base}/hooks/volc`;
    // At each UpdateCallback, just before Volcengine would sign with the new key: hookbot must
    // already take that key, and still take the old one.
    const probes: { primary: string; fresh: number; old: number }[] = [];
    h.fake.beforeUpdate = async (body) => {
      const primary = body['AuthKeyPrimary'] as string;
      const [fresh, old] = await Promise.all([h.fake.probe(url, primary, { ...push, stream: 'probe-new' }), h.fake.probe(url, KEY, { ...push, stream: 'probe-old' })]);
      probes.push({ primary, fresh: fresh.status, old: old.status });
    };
    // A callback signed with the old key before the rotation and delivered after it (Volcengine retries for 10 minutes).
    const signedBefore = h.fake.list().find((c) => c.MessageType === 'push_end')!;
    expect(signedBefore.AuthKeyPrimary).toBe(KEY);
    const { callbackBody } = await import('../fakes/volcengine/callbacks.js');
    const late = callbackBody(signedBefore, { ...push, stream: 'late' }, Date.now());

    let flowing = true;
    const flow = (async () => {
      for (let i = 0; flowing; i++) await h.fake.sendEvent('push_end', { ...push, stream: `rot-${i}` });
    })();
    const answered = (key: string) => h.fake.attempts.filter((a) => a.key === key && a.status === 200).length;
    const waitFor = async (test: () => boolean, what: string) => {
      const until = Date.now() + 20_000;
      while (!test()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      await waitFor(() => answered(KEY) >= 3, 'three callbacks answered with the old key');
      const res = await h.api('POST', '/api/v1/volcengine/rotate', { source: 'volc', domain: 'push.example.com', app: 'live' });
      expect(res.status).toBe(200);
      expect(res.body.every((v: any) => v.keyIsOurs)).toBe(true);
      // The fake's own record: every type is signed with one new key now…
      const keys = h.fake.list().map((c) => c.AuthKeyPrimary!);
      expect(new Set(keys).size).toBe(1);
      const fresh = keys[0]!;
      expect(fresh).not.toBe(KEY);
      // …and callbacks signed with it are answered.
      await waitFor(() => answered(fresh) >= 3, 'three callbacks answered with the new key');
      expect(probes).toEqual(h.fake.list().map(() => ({ primary: fresh, fresh: 200, old: 200 })));
    } finally {
      flowing = false;
      h.fake.beforeUpdate = undefined;
      await flow;
    }

    const flowed = h.fake.attempts.filter((a) => String(a.body['stream']).startsWith('rot-'));
    expect(flowed.filter((a) => a.status !== 200)).toEqual([]);
    expect((await h.fake.probe(url, KEY, { ...push, stream: 'after' })).status).toBe(200);
    const { deliver } = await import('../fakes/volcengine/callbacks.js');
    expect((await deliver(url, late, { timeoutMs: 20_000, quickRetries: 0, quickDelayMs: 0, queueDelayMs: 0, windowMs: 0 }, () => undefined)).map((a) => a.status)).toEqual([200]);
    const stored = h.hb.live.current.config.sources['volc'];
    expect((stored as { keys: string[] }).keys).toEqual([h.fake.list()[0]!.AuthKeyPrimary, KEY]);
  });

  it('delete takes only this hookbot out; describe then says so', async () => {
    const res = await h.api('POST', '/api/v1/volcengine/delete', { source: 'volc', domain: 'push.example.com', app: 'live' });
    expect(res.body.removed).toEqual(['push', 'push_end', 'record', 'snapshot']);
    // push kept the other receiver; the rest had only us and are gone.
    expect(h.fake.list().map((c) => [c.MessageType, c.CallbackDetailList.map((d) => d.URL)])).toEqual([['push', ['https://other.example.com/cb']]]);
    const d = await h.api('POST', '/api/v1/volcengine/describe', { source: 'volc', domain: 'push.example.com', app: 'live' });
    expect(d.body).toEqual([expect.objectContaining({ messageType: 'push', pointsHere: false })]);
  });

  it("shows Volcengine's error code with the fix, and refuses a source of another format", async () => {
    const { FakeVolcengine } = await import('../fakes/volcengine/fake-volcengine.js');
    const wrong = await new FakeVolcengine({ keys: { AKLTfakeAccessKey0001: 'another-secret' } }).start();
    try {
      await h.hb.live.current.config; // the same hookbot, pointed at a Volcengine that knows another secret
      const volc = h.hb.live.current.config.volcengine!;
      const saved = volc.endpoint;
      (volc as { endpoint: string }).endpoint = wrong.url;
      const res = await h.api('POST', '/api/v1/volcengine/describe', { source: 'volc', domain: 'push.example.com' });
      (volc as { endpoint: string }).endpoint = saved;
      expect(res.status).toBe(502);
      expect(res.body.error).toMatch(/SignatureDoesNotMatch .*copy the pair again/);
      expect(res.body.error).not.toContain('fakeSecretAccessKey0001');
    } finally {
      await wrong.stop();
    }
    const bad = await h.api('POST', '/api/v1/volcengine/register', { source: 'nope', domain: 'push.example.com' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/no source 'nope'/);
  });
});

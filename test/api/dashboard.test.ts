// What the dashboard reads and does through /api/v1: events filtered newest first, one event with
// its notice, deliveries and redacted payload; dead letters and retry; bots; a test notice; a
// captured payload replayed as a dry run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../volcengine/harness.js';

const TOKEN = 'report-token-0123456789abc';

describe('/api/v1 for the dashboard', () => {
  let h: Harness;
  const report = (body: Record<string, unknown>) => fetch(`${h.base}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN, ...body }) }).then((r) => r.json() as Promise<{ id: string }>);
  beforeAll(async () => {
    h = await startHarness(`sources:\n  report: { format: report, token: ${TOKEN} }\ngroups:\n  ops: [console:ops]\n`);
  });
  afterAll(async () => h?.close());

  it('lists events newest first with filters, and shows one with its notice, deliveries and redacted payload', async () => {
    const a = await report({ title: 'backup done', content: 'all good' });
    const b = await report({ title: 'disk almost full', content: 'sda1 at 97%', result: 'failed' });
    const all = await h.api('GET', '/api/v1/events?source=report');
    expect(all.body.map((e: { id: string }) => e.id)).toEqual([b.id, a.id]);
    expect((await h.api('GET', '/api/v1/events?q=DISK')).body.map((e: { id: string }) => e.id)).toEqual([b.id]);
    expect((await h.api('GET', '/api/v1/events?level=error')).body.map((e: { id: string }) => e.id)).toEqual([b.id]);
    expect((await h.api('GET', '/api/v1/events?level=loud')).status).toBe(400);

    const one = await h.api('GET', `/api/v1/events/${b.id}`);
    expect(one.status).toBe(200);
    expect(one.body.notice).toMatchObject({ title: 'disk almost full', source: 'report' });
    expect(one.body.deliveries).toEqual([expect.objectContaining({ target: 'console:ops' })]);
    expect(one.body.payload.body).toContain('sda1 at 97%');
    expect(JSON.stringify(one.body)).not.toContain(TOKEN);
    expect((await h.api('GET', '/api/v1/events/evt_nope')).status).toBe(404);
  });

  it('sends a test notice to any target, and lists the bots with their health', async () => {
    const t = await h.api('POST', '/api/v1/test', { target: 'console:lab', text: 'hello from the dashboard' });
    expect(t.status).toBe(202);
    await h.waitSent((s) => s.some((m) => m.target === 'console:lab' && m.text.includes('hello from the dashboard')), 'the test notice');
    expect((await h.api('POST', '/api/v1/test', { target: 'nobot:1' })).status).toBe(400);
    const bots = await h.api('GET', '/api/v1/bots');
    expect(bots.body).toEqual([expect.objectContaining({ id: 'console', platform: 'console', health: expect.objectContaining({ state: 'ok' }), targets: [{ name: 'superusers', target: 'console:ops' }, { name: 'ops', target: 'console:ops' }] })]);
  });

  it('lists dead letters and retries them', async () => {
    const { newEventId } = await import('../../src/event-id.js');
    const { deliveries } = await h.hb.store.ingest({
      id: newEventId(Date.now()),
      source: 'report',
      notice: { source: 'report', format: 'report', event: 'report', level: 'info', time: new Date().toISOString(), text: 'x', vars: {} },
      deliveries: [{ bot: 'gone', chat: 'c', kind: 'group', target: 'gone:c', silent: false }],
    });
    h.hb.ingest.mutesChanged();
    const id = deliveries[0]!.id;
    for (let i = 0; i < 400 && (await h.hb.store.getDelivery(id))!.state !== 'dead'; i++) await new Promise((r) => setTimeout(r, 25));
    const dead = await h.api('GET', '/api/v1/deliveries/dead');
    expect(dead.body).toEqual([expect.objectContaining({ id, state: 'dead' })]);
    expect((await h.api('POST', `/api/v1/deliveries/${id}/retry`)).body).toEqual({ retried: 1 });
    expect((await h.api('POST', '/api/v1/deliveries/x/retry')).status).toBe(400);
  });

  it('replays a captured payload as a dry run: what it becomes now, nothing stored', async () => {
    const caps = await h.api('GET', '/api/v1/captures?source=report&n=5');
    expect(caps.body.length).toBeGreaterThanOrEqual(2);
    const before = (await h.api('GET', '/api/v1/events?n=500')).body.length;
    const r = await h.api('POST', `/api/v1/captures/${caps.body[0].id}/replay`);
    expect(r.status).toBe(200);
    expect(r.body.result).toMatch(/^to console:ops\n/);
    expect(r.body.result).toContain('disk almost full');
    expect((await h.api('GET', '/api/v1/events?n=500')).body.length).toBe(before);
    expect((await h.api('POST', '/api/v1/captures/999999/replay')).status).toBe(404);
    expect((await h.api('GET', '/api/v1/captures')).status).toBe(400);
  });

  it('counts webhooks and sent deliveries per minute, and previews an event as each bot shows it', async () => {
    const before = await h.api('GET', '/api/v1/activity?hours=1');
    const e = await report({ title: 'chart <point>', content: 'one more', send_to_group: 'ops' });
    await h.waitSent((s) => s.some((m) => m.text.includes('one more')), 'the report');
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    // The console writes the message before the worker records it sent: wait for the record.
    let after = await h.api('GET', '/api/v1/activity?hours=1');
    for (const until = Date.now() + 10_000; sum(after.body.sent) <= sum(before.body.sent) && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 25));
      after = await h.api('GET', '/api/v1/activity?hours=1');
    }
    expect(after.body.bucketMs).toBe(60_000);
    expect(after.body.webhooks.length).toBeGreaterThanOrEqual(60);
    expect(sum(after.body.webhooks)).toBe(sum(before.body.webhooks) + 1);
    expect(sum(after.body.sent)).toBeGreaterThan(sum(before.body.sent));
    expect((await h.api('GET', '/api/v1/activity?hours=500')).status).toBe(400);
    const p = await h.api('GET', `/api/v1/events/${e.id}/preview`);
    expect(p.body).toEqual([expect.objectContaining({ bot: 'console', platform: 'console', format: 'text' })]);
    expect(p.body[0].text).toContain('chart <point>');
    expect((await h.api('GET', '/api/v1/events/evt_nope/preview')).status).toBe(404);
  });
});

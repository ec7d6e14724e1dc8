// Runtime configuration through /api/v1: a source created, used through the URL it answered with,
// replaced, deleted; bad bodies named field by field; file objects read-only; routes, people,
// templates and mutes taking effect at once; every change in the audit log.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../volcengine/harness.js';

const live = () => JSON.parse(readFileSync(new URL('../fixtures/onelive/live_start.json', import.meta.url), 'utf8'));
const FILE_TOKEN = 'file-token-0123456789abcdef';

describe('/api/v1 runtime configuration', () => {
  let h: Harness;
  const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  beforeAll(async () => {
    h = await startHarness(`sources:\n  report: { format: report, token: ${FILE_TOKEN} }\ngroups:\n  ops: [console:ops]\n`);
  });
  afterAll(async () => h?.close());

  it('creates a source with a token made for it, and the URL it answers with delivers', async () => {
    const res = await h.api('PUT', '/api/v1/sources/rec', { format: 'onelive', to_group: ['console:stream-room'] });
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(true);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(res.body.url).toBe(`${h.base}/hooks/rec?key=${res.body.token}`);
    expect(res.body.paste).toMatch(/OneLiveRec/);
    // Shown once: listed afterwards, masked.
    const listed = await h.api('GET', '/api/v1/sources/rec');
    expect(listed.body).toMatchObject({ name: 'rec', origin: 'api', readOnly: false, format: 'onelive' });
    expect(listed.body.value.token).toBe(`***${res.body.token.slice(-4)}`);
    expect(JSON.stringify(listed.body)).not.toContain(res.body.token);
    // The list gives each source's URL to paste, masked: the file's too, and none for a signing Volcengine source.
    const all = await h.api('GET', '/api/v1/sources');
    expect(all.body.map((x: any) => [x.name, x.url])).toEqual([
      ['report', `${h.base}/hooks/report?token=***`],
      ['rec', `${h.base}/hooks/rec?key=***`],
    ]);
    expect(all.body[1].paste).toMatch(/OneLiveRec/);
    expect(JSON.stringify(all.body)).not.toContain(FILE_TOKEN);

    const sent = await post(res.body.url, live());
    expect(sent.status).toBe(202);
    await h.waitSent((s) => s.some((m) => m.target === 'console:stream-room'), 'the onelive notice');

    // Every change is in the audit log.
    const audit = await h.hb.store.auditLog(20);
    expect(audit).toContainEqual(expect.objectContaining({ bot: 'api', command: 'PUT /api/v1/sources/rec', outcome: 'ok', detail: 'created' }));
  });

  it('replaces a source whole, keeping its token unless a new one is given; deleting it makes its URL answer 404', async () => {
    const first = await h.api('GET', '/api/v1/sources/rec');
    const replaced = await h.api('PUT', '/api/v1/sources/rec', { format: 'onelive', to_group: ['console:other-room'] });
    expect(replaced.status).toBe(200);
    expect(replaced.body.created).toBe(false);
    expect(replaced.body.token).toBeUndefined();
    expect(replaced.body.url).toBe(`${h.base}/hooks/rec?key=***`);
    expect(replaced.body.value.token).toBe(first.body.value.token);

    const token = 'rec-new-token-0123456789';
    const withToken = await h.api('PUT', '/api/v1/sources/rec', { format: 'onelive', token, to_group: ['console:other-room'] });
    expect(withToken.body.url).toBe(`${h.base}/hooks/rec?key=${token}`);
    expect((await post(`${h.base}/hooks/rec?key=${token}`, { ...live(), id: 'second-event' })).status).toBe(202);
    await h.waitSent((s) => s.some((m) => m.target === 'console:other-room'), 'the notice to the replaced target');

    expect((await h.api('DELETE', '/api/v1/sources/rec')).status).toBe(204);
    const gone = await post(`${h.base}/hooks/rec?key=${token}`, { ...live(), id: 'third-event' });
    expect(gone.status).toBe(404);
    expect((await h.api('DELETE', '/api/v1/sources/rec')).status).toBe(404);
  });

  it('refuses a bad body with 400 naming each field and the fix, as hookbot check does', async () => {
    const res = await h.api('PUT', '/api/v1/sources/bad', { format: 'onelive', tokn: 'x', capture: 'lots' });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^sources\.bad\.tokn: unknown key: did you mean 'token'\?/), expect.stringMatching(/^sources\.bad\.capture: /)]),
    );
    const noFormat = await h.api('PUT', '/api/v1/sources/bad', { token: 'x'.repeat(20) });
    expect(noFormat.status).toBe(400);
    expect(noFormat.body.problems.join('\n')).toMatch(/sources\.bad/);
    const badTarget = await h.api('PUT', '/api/v1/sources/bad', { format: 'onelive', to_group: ['nobot:123'] });
    expect(badTarget.status).toBe(400);
    expect(badTarget.body.problems.join('\n')).toMatch(/nobot/);
    expect((await h.api('PUT', '/api/v1/sources/bad', '{not json')).status).toBe(400);
    expect((await h.api('GET', '/api/v1/sources/bad')).status).toBe(404);
  });

  it("keeps the file's objects read-only: 409 saying to edit the file", async () => {
    const res = await h.api('PUT', '/api/v1/sources/report', { format: 'report', token: 'another-token-0123456789' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/sources\.report is defined in the config file: edit the file/);
    expect((await h.api('DELETE', '/api/v1/groups/ops')).status).toBe(409);
    const list = await h.api('GET', '/api/v1/sources?origin=file');
    expect(list.body).toEqual([expect.objectContaining({ name: 'report', origin: 'file', readOnly: true })]);
    expect(JSON.stringify(list.body)).not.toContain(FILE_TOKEN);
  });

  it('people, routes and templates take effect at once, and are listed with filters', async () => {
    expect((await h.api('PUT', '/api/v1/people/alice', ['console:alice'])).status).toBe(201);
    expect((await h.api('PUT', '/api/v1/routes/errors-to-alice', { match: { source: 'report', level: 'error' }, to: ['alice'] })).status).toBe(201);
    expect((await h.api('PUT', '/api/v1/templates/report', { title: '', text: 'T: {{ title }}' })).status).toBe(201);
    const r = await post(`${h.base}/report`, { token: FILE_TOKEN, title: 'disk full', content: 'x', result: 'failed' });
    expect(r.status).toBe(202);
    await h.waitSent((s) => s.some((m) => m.target === 'console:alice' && m.text.includes('T: disk full')), 'the routed notice');
    expect((await h.api('DELETE', '/api/v1/templates/report')).status).toBe(204);
    const routes = await h.api('GET', '/api/v1/routes?source=report');
    expect(routes.body.map((x: { name: string }) => x.name)).toEqual(['errors-to-alice']);
  });

  it('mutes through the API are the chat command mutes', async () => {
    const m = await h.api('POST', '/api/v1/mutes', { pattern: 'report', duration: '1h' });
    expect(m.status).toBe(201);
    expect((await h.api('GET', '/api/v1/mutes')).body).toEqual([expect.objectContaining({ pattern: 'report', by: 'api:api-token' })]);
    const r = await post(`${h.base}/report`, { token: FILE_TOKEN, title: 'quiet', content: 'x', send_to_group: 'console:ops' });
    expect(((await r.json()) as { deliveries: { state: string }[] }).deliveries[0]!.state).toBe('muted');
    expect((await h.api('DELETE', '/api/v1/mutes/report')).body).toEqual({ removed: 1 });
    expect((await h.api('POST', '/api/v1/mutes', { pattern: 'x', duration: 'forever-ish' })).status).toBe(400);
  });
});

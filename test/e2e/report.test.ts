// End to end with the real process: a report reaches the console, bad input is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const TOKEN = 'e2e-report-token-0123456789';
const CONFIG = `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  console: { platform: console }
superusers: [console:boss]
sources:
  report: { format: report, token: ${TOKEN}, bodyLimit: 4kb }
`;

describe('report end to end', () => {
  let hb: RunningHookbot;
  beforeAll(async () => {
    hb = await spawnHookbot({ config: CONFIG });
  }, 40_000);
  afterAll(async () => {
    await hb?.stop();
  });

  it('prints a report on the console, to each target', async () => {
    const res = await hb.post('/report', { token: TOKEN, title: 'Backup', content: 'finished in 5 min', send_to: [10001, '10002'], send_to_group: 20001 });
    expect(res.status).toBe(202);
    expect(res.body.id).toMatch(/^evt_/);
    expect(res.body.deliveries.map((d: { target: string }) => d.target)).toEqual(['console:10001', 'console:10002', 'console:20001']);
    const out = await hb.waitForOutput((o) => o.includes('── console:20001 ──'));
    expect(out).toContain('── console:10001 (user) ──\nBackup\nfinished in 5 min\n');
    expect(out).toContain('── console:20001 ──\nBackup\nfinished in 5 min\n');
  });

  it('sends a report without targets to the superusers', async () => {
    const res = await hb.post('/report', { token: TOKEN, title: 'Daily check', content: 'all good' });
    expect(res.status).toBe(202);
    expect(res.body.deliveries).toEqual([expect.objectContaining({ target: 'console:boss' })]);
    await hb.waitForOutput('── console:boss (user) ──\nDaily check\nall good');
  });

  it('takes the token from ?token= and Authorization: Bearer too', async () => {
    expect((await hb.post(`/report?token=${TOKEN}`, { content: 'q' })).status).toBe(202);
    expect((await hb.post('/report', { content: 'b' }, { authorization: `Bearer ${TOKEN}` })).status).toBe(202);
  });

  it('answers 403 to a wrong token and 401 to none, storing nothing', async () => {
    const wrong = await hb.post('/report', { token: 'not-the-token-at-all-0000', content: 'x' });
    expect(wrong.status).toBe(403);
    const none = await hb.post('/report', { content: 'x' });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/token is required/);
  });

  it('answers 400 to malformed JSON and names the bad field', async () => {
    const bad = await hb.post('/report', '{"token": "x", ');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/not valid JSON/);
    const field = await hb.post('/report', { token: TOKEN, content: 'x', send_to: [{ id: 1 }] });
    expect(field.status).toBe(400);
    expect(field.body.error).toMatch(/send_to\[0\]/);
  });

  it('keeps a notice whose targets are all unknown: 202 with a warning for each, delivered to the superusers', async () => {
    const res = await hb.post('/report', { token: TOKEN, content: 'x', send_to: ['nobot:1', 'people:ghost'] });
    expect(res.status).toBe(202);
    expect(res.body.warnings.join('\n')).toMatch(/no bot 'nobot'/);
    expect(res.body.warnings.join('\n')).toMatch(/no 'ghost' in people/);
    expect(res.body.deliveries.map((d: { target: string }) => d.target)).toEqual(['console:boss']);
  });

  it('answers 413 past the body limit', async () => {
    const res = await hb.post('/report', { token: TOKEN, content: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
  });

  it('gives a repeated event id the first answer and delivers it once', async () => {
    const body = { token: TOKEN, content: 'only once please', id: 'dedup-1', send_to: 'once' };
    const a = await hb.post('/report', body);
    const b = await hb.post('/report', body, { 'idempotency-key': 'other' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body).toEqual(a.body);
    await hb.waitForOutput('only once please');
    const c = await hb.post('/report', { token: TOKEN, content: 'marker after dedup', send_to: 'once' });
    expect(c.status).toBe(202);
    const out = await hb.waitForOutput('marker after dedup');
    expect(out.split('only once please').length - 1).toBe(1);
  });

  it('serves /healthz and /metrics', async () => {
    const h = await fetch(hb.url + '/healthz');
    expect(h.status).toBe(200);
    expect(((await h.json()) as any).bots.console.state).toBe('ok');
    // Answered in front of Koa, as its router matched them: HEAD, a trailing slash, any case.
    const head = await fetch(hb.url + '/healthz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
    expect((await fetch(hb.url + '/Healthz/')).status).toBe(200);
    expect((await fetch(hb.url + '/metrics/')).headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await hb.post('/hooks/no-such-source', {})).status).toBe(404);
    const m = await (await fetch(hb.url + '/metrics')).text();
    expect(m).toMatch(/hookbot_deliveries\{state="sent"\} \d+/);
    // Webhooks by source and status (the tests above answered 202s and 403s); an unknown source
    // name from the URL is counted without its name, so strangers cannot add series.
    expect(m).toMatch(/hookbot_webhooks_total\{source="report",status="202"\} [1-9]/);
    expect(m).toMatch(/hookbot_webhooks_total\{source="report",status="403"\} [1-9]/);
    expect(m).toMatch(/hookbot_webhooks_total\{source="",status="404"\} 1/);
    expect(m).not.toContain('no-such-source');
  });
});

describe('hookbot replay', () => {
  it('shows what a captured report becomes, with --dry-run, secrets removed', async () => {
    const { execFile } = await import('node:child_process');
    const hb = await spawnHookbot({ config: CONFIG });
    try {
      const res = await hb.post('/report', { token: TOKEN, title: 'Captured', content: 'replay me', send_to: 'r1' });
      expect(res.status).toBe(202);
      const out = await new Promise<string>((resolve, reject) =>
        execFile('node_modules/.bin/tsx', ['src/cli.ts', 'replay', 'report', '1', '--dry-run', '-c', `${hb.dir}/hookbot.yaml`], (err, stdout, stderr) =>
          err ? reject(new Error(stderr || String(err))) : resolve(stdout),
        ),
      );
      expect(out).toContain('to console:r1');
      expect(out).toContain('  Captured\n  replay me');
      expect(out).toMatch(/replayed 1 of 1 payload .*dry run/);
      expect(out).not.toContain(TOKEN);
    } finally {
      await hb.stop();
    }
  });
});

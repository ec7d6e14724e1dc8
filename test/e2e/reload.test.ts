// SIGHUP and POST /api/v1/reload re-read the config file: a good file takes effect, a broken one
// is refused with its problems and the running config keeps serving.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const API = 'api-token-0123456789abcdef';
const A = 'token-a-0123456789abcdef';
const B = 'token-b-0123456789abcdef';
const CONFIG = `server: { port: {{port}}, host: 127.0.0.1, apiToken: ${API} }
store: { sqlite: "{{dir}}/h.db" }
bots:
  console: { platform: console }
superusers: [console:ops]
sources:
  a: { format: report, token: ${A} }
`;

describe('reloading the config file', () => {
  let hb: RunningHookbot;
  const file = () => join(hb.dir, 'hookbot.yaml');
  const report = (source: string, token: string, title: string) => hb.post(`/hooks/${source}`, { token, title, content: 'x' });
  beforeAll(async () => {
    hb = await spawnHookbot({ config: CONFIG });
  });
  afterAll(async () => {
    await hb?.stop();
  });

  it('SIGHUP with a broken file keeps the old config running', async () => {
    const good = readFileSync(file(), 'utf8');
    writeFileSync(file(), good.replace(`a: { format: report, token: ${A} }`, `a: { format: report, tokn: ${A} }`));
    hb.child.kill('SIGHUP');
    await hb.waitForLog('the config file was not reloaded');
    expect(hb.logs()).toMatch(/sources\.a\.tokn: unknown key: did you mean 'token'/);
    expect((await report('a', A, 'still here')).status).toBe(202);
    await hb.waitForOutput('still here');
    writeFileSync(file(), good);
  });

  it('SIGHUP with a good file applies it without a restart', async () => {
    writeFileSync(file(), readFileSync(file(), 'utf8') + `  b: { format: report, token: ${B} }\n`);
    hb.child.kill('SIGHUP');
    await hb.waitForLog('configuration reloaded');
    expect((await report('b', B, 'from b')).status).toBe(202);
    await hb.waitForOutput('from b');
  });

  it('POST /api/v1/reload answers a broken file with its problems', async () => {
    const good = readFileSync(file(), 'utf8');
    writeFileSync(file(), good + 'routes: [ { match: { level: loud } } ]\n');
    const res = await hb.post('/api/v1/reload', '', { authorization: `Bearer ${API}` });
    expect(res.status).toBe(400);
    expect(res.body.problems.join('\n')).toMatch(/routes\[0\]\.match\.level/);
    writeFileSync(file(), good);
    const ok = await hb.post('/api/v1/reload', '', { authorization: `Bearer ${API}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ reloaded: true, sources: ['a', 'b'] });
  });
});

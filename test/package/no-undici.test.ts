// The platform clients run on node:http (src/kit/http-client.ts): with Telegram, Discord and Slack
// configured and connected, the started bundle has loaded neither the undici package (the bundle
// gives @discordjs/rest a stand-in, scripts/undici.mjs) nor Node's own copy behind the global
// fetch. Either would hold 5-9 MB more for the life of the process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPlatforms, type Platforms } from '../../bench/platforms.js';
import { freePort } from '../helpers/hookbot.js';
import { ensureBuilt, ROOT } from '../helpers/dist.js';

let platforms: Platforms;
let child: ChildProcess | undefined;

beforeAll(async () => {
  ensureBuilt();
  platforms = await startPlatforms();
}, 300_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await platforms?.stop();
});

// Every copy of undici, the package or Node's, sets this global dispatcher as it loads.
const PRELOAD = `
import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.UNDICI_PROBE, String(globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined)));
`;

it('loads no undici: the three platforms connected through node:http', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-undici-'));
  const port = await freePort();
  const config = join(dir, 'hookbot.yaml');
  writeFileSync(config, `server: { port: ${port}, host: 127.0.0.1 }\nstore: { sqlite: "${dir}/h.db" }\nbots:\n${platforms.bots}\n`);
  const preload = join(dir, 'probe.mjs');
  writeFileSync(preload, PRELOAD);
  const probe = join(dir, 'loaded');
  child = spawn(process.execPath, ['--import', preload, join(ROOT, 'bin', 'hookbot.js'), 'start', '-c', config], {
    env: { ...process.env, ...platforms.env, UNDICI_PROBE: probe },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  // Up once every bot has made its calls at start (getMe, the gateway, Socket Mode's connection).
  let health: { status?: string } = {};
  for (const until = Date.now() + 60_000; health.status !== 'ok' && Date.now() < until; ) {
    health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json() as Promise<{ status?: string }>, () => ({}));
    if (health.status !== 'ok') await new Promise((r) => setTimeout(r, 100));
  }
  expect(health.status, err).toBe('ok');
  child.kill('SIGTERM');
  expect(await exited, err).toBe(0);
  expect(readFileSync(probe, 'utf8')).toBe('false');
}, 120_000);

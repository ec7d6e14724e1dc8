// The package as users run it: `npm start` runs the compiled JavaScript, and a SIGTERM or SIGINT
// to npm's own process reaches hookbot, which stops, releases its port, and npm exits with it.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../helpers/hookbot.js';
import { ensureBuilt, ROOT } from '../helpers/dist.js';

const started: ChildProcess[] = [];

beforeAll(() => ensureBuilt(), 300_000);

afterEach(() => {
  // npm was started as the leader of its own process group: whatever is left of it goes.
  for (const c of started.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

function npmStart(port: number, more = ''): { child: ChildProcess; stderr: () => string; listening: Promise<void>; exited: Promise<number | null> } {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-npm-'));
  const file = join(dir, 'hookbot.yaml');
  writeFileSync(file, `server: { port: ${port}, host: 127.0.0.1 }\nstore: { sqlite: "${dir}/h.db" }\n${more}`);
  const child = spawn('npm', ['start', '--silent', '--', '-c', file], { cwd: ROOT, env: { ...process.env, HOOKBOT_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  started.push(child);
  let err = '';
  child.stderr!.setEncoding('utf8');
  const listening = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: string) => {
      err += d;
      if (err.includes('listening on port')) resolve();
    });
    child.once('exit', () => reject(new Error(`npm start exited before listening:\n${err}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stderr: () => err, listening, exited };
}

/** Resolves true when the port can be bound again (no process holds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops hookbot on ${signal} to npm's own process, releasing the port, and npm exits 0`, async () => {
      const port = await freePort();
      const npm = npmStart(port);
      await npm.listening;
      expect(await portIsFree(port)).toBe(false);
      process.kill(npm.child.pid!, signal);
      expect(await npm.exited).toBe(0);
      expect(npm.stderr()).toMatch(/"msg":"stopped"/);
      expect(await portIsFree(port)).toBe(true);
    }, 180_000);
  }

  // Loaded at the first request that needs them, from chunks of the bundle: a package imported
  // there must work as the bundle gives it, not only as Node's loader does.
  it('serves what it loads on first use: /metrics, the dashboard and a webhook WebSocket', async () => {
    const port = await freePort();
    const npm = npmStart(port, 'sources:\n  report: { format: report, token: package-test-token-0123, to: [console:1] }\n');
    await npm.listening;
    const url = `http://127.0.0.1:${port}`;
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^hookbot_up 1$/m);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/hooks/report`);
    const answer = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ token: 'package-test-token-0123', title: 'over a socket' })));
      ws.once('message', (d) => resolve(String(d)));
      ws.once('error', reject);
    });
    ws.close();
    expect(JSON.parse(answer)).toMatchObject({ deliveries: [{ target: 'console:1' }] });
    expect(npm.stderr()).not.toMatch(/"level":50/);
    process.kill(npm.child.pid!, 'SIGTERM');
    expect(await npm.exited).toBe(0);
  }, 180_000);

  // npm's process stays beside hookbot: what npm loads into it stays resident as long as hookbot runs.
  it("turns off npm's update check for this package, whatever the user's npm config says", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));
    const value = await new Promise<string>((resolve, reject) =>
      execFile('npm', ['config', 'get', 'update-notifier'], { cwd: ROOT, env: { ...env, npm_config_userconfig: join(tmpdir(), 'hookbot-no-user-npmrc'), npm_config_globalconfig: join(tmpdir(), 'hookbot-no-global-npmrc') } }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
    );
    expect(value).toBe('false');
  }, 60_000);

  it('runs the compiled JavaScript, not TypeScript', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toMatch(/\bnode (?:--[\w-]+(?:=\S+)? )*bin\/hookbot\.js start$/);
    expect(readFileSync(join(ROOT, 'bin', 'hookbot.js'), 'utf8')).toContain('../dist/src/cli.js');
    // Build tools are for development only: a production install runs without them.
    for (const tool of ['tsx', 'typescript', 'vitest']) {
      expect(pkg.dependencies[tool], tool).toBeUndefined();
      expect(pkg.devDependencies[tool], tool).toBeDefined();
    }
  });
});

describe('the hookbot bin', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(ROOT, 'bin', 'hookbot.js'), ...args], { cwd: tmpdir() }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const r = await run(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
  }, 120_000);

  it('checks the example config it ships with, from any directory', async () => {
    const r = await run(['check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hookbot\.example\.yaml: OK \(bots: console; sources: report\)/);
  }, 120_000);
});

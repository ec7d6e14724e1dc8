// Starts the REAL hookbot process (`node --import tsx src/cli.ts start -c <file>`) for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnOptions {
  /** YAML. `{{port}}` and `{{dir}}` are replaced by the chosen port and the temp dir. */
  config: string;
  env?: Record<string, string>;
  /** Reuse a directory (and so its store) from an earlier run, e.g. after a kill -9. */
  dir?: string;
  port?: number;
  startTimeoutMs?: number;
}

export interface RunningHookbot {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout so far (the console bot prints here). */
  output(): string;
  /** Everything written to stderr (pino logs). */
  logs(): string;
  waitForOutput(match: RegExp | string | ((out: string) => boolean), timeoutMs?: number): Promise<string>;
  waitForLog(match: RegExp | string, timeoutMs?: number): Promise<string>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** SIGTERM, resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, resolves when the process is gone. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function waitFor(get: () => string, child: ChildProcess, match: RegExp | string | ((s: string) => boolean), timeoutMs: number, what: string): Promise<string> {
  const test = typeof match === 'function' ? match : typeof match === 'string' ? (s: string) => s.includes(match) : (s: string) => match.test(s);
  return new Promise((resolve, reject) => {
    const check = () => {
      if (test(get())) {
        cleanup();
        resolve(get());
        return true;
      }
      return false;
    };
    const onExit = () => {
      if (!check()) {
        cleanup();
        reject(new Error(`hookbot exited before ${what} matched ${String(match)}`));
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} to match ${String(match)}; got:\n${get().slice(-3000)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
    };
    if (check()) return;
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', onExit);
  });
}

export async function spawnHookbot(opts: SpawnOptions): Promise<RunningHookbot> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'hookbot-e2e-'));
  const port = opts.port ?? (await freePort());
  const file = join(dir, 'hookbot.yaml');
  writeFileSync(file, opts.config.replaceAll('{{port}}', String(port)).replaceAll('{{dir}}', dir));
  // node itself with tsx's loader, not the tsx wrapper: the wrapper runs hookbot in a second
  // process, and a SIGKILL to the wrapper would leave hookbot running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '-c', file], {
    cwd: ROOT,
    env: { ...process.env, HOOKBOT_LOG_LEVEL: 'info', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const h: RunningHookbot = {
    url,
    port,
    dir,
    child,
    output: () => out,
    logs: () => err,
    waitForOutput: (m, t = 15_000) => waitFor(() => out, child, m, t, 'stdout'),
    waitForLog: (m, t = 15_000) => waitFor(() => err, child, m, t, 'the log'),
    async post(path, body, headers = {}) {
      const res = await fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  await waitFor(() => err, child, /listening on port|"level":(50|60)|invalid configuration/, opts.startTimeoutMs ?? 90_000, 'start-up').catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
  if (!/listening on port/.test(err)) {
    child.kill('SIGKILL');
    throw new Error(`hookbot did not start:\n${err}`);
  }
  return h;
}

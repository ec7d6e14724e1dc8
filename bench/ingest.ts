// Ingest throughput: POST /report to hookbot (token check, parse, route, fsync'd group commit)
// against a bare Koa route that only parses the JSON, in the same run, with autocannon.
// Usage: npm run bench [-- --duration 10 --connections 50]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/hookbot.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const DURATION = opt('duration', 10);
const CONNECTIONS = opt('connections', 50);
const ROUNDS = opt('rounds', 2);
const TOKEN = 'bench-token-0123456789abcdef';
const BODY = JSON.stringify({ token: TOKEN, title: 'Backup finished', content: 'nightly backup took 5 min, 1.2 GB', send_to: [10001, '10002'], send_to_group: 20001 });

async function startChild(argv: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes('listening on port')) resolve();
    });
    child.once('exit', () => reject(new Error(err)));
  });
  return child;
}

async function load(port: number): Promise<number> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/report`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad) throw new Error(`${bad} requests failed (non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`);
  return r.requests.average;
}

async function stop(c: ChildProcess) {
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await exited;
}

const dir = mkdtempSync(join(tmpdir(), 'hookbot-bench-'));
const config = (port: number) => `
server: { port: ${port}, host: 127.0.0.1 }
store: { sqlite: "${dir}/hookbot.db" }
log: { level: warn }
bots:
  console: { platform: console }
sources:
  report: { format: report, token: ${TOKEN}, capture: 0 }
`;

const results: { bare: number; hookbot: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  process.stderr.write(`round ${round + 1}: bare Koa…\n`);
  const barePort = await freePort();
  const bare = await startChild(['bench/bare-koa.ts'], { PORT: String(barePort) });
  const bareRps = await load(barePort);
  await stop(bare);

  process.stderr.write(`round ${round + 1}: hookbot…\n`);
  const hbPort = await freePort();
  writeFileSync(join(dir, 'hookbot.yaml'), config(hbPort));
  const hb = await startChild(['src/cli.ts', 'start', '-c', join(dir, 'hookbot.yaml')], { HOOKBOT_LOG_LEVEL: 'info' });
  const hbRps = await load(hbPort);
  await stop(hb);
  results.push({ bare: bareRps, hookbot: hbRps });
  process.stderr.write(`round ${round + 1}: bare ${bareRps.toFixed(0)} req/s, hookbot ${hbRps.toFixed(0)} req/s\n`);
}
rmSync(dir, { recursive: true, force: true });

const avg = (k: 'bare' | 'hookbot') => results.reduce((s, r) => s + r[k], 0) / results.length;
const ratio = avg('hookbot') / avg('bare');
const cmd = `npm run bench -- --duration ${DURATION} --connections ${CONNECTIONS} --rounds ${ROUNDS}`;
const table = [
  `## Ingest: POST /report (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Command: \`${cmd}\` on ${cpus().length} cores, Node ${process.version}.`,
  `autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} alternating rounds; the body names 3 targets.`,
  'Baseline: a bare Koa route in its own process that parses the JSON and answers 202 (bench/bare-koa.ts).',
  'hookbot: the real process — token check, report parsing, routing, and the event with its 3 deliveries',
  "committed to SQLite (WAL, synchronous=FULL) before the 202, while the worker delivers to the console bot's file.",
  '',
  '| round | bare Koa req/s | hookbot req/s | ratio |',
  '|---|---|---|---|',
  ...results.map((r, i) => `| ${i + 1} | ${r.bare.toFixed(0)} | ${r.hookbot.toFixed(0)} | ${(r.hookbot / r.bare).toFixed(2)} |`),
  `| **mean** | **${avg('bare').toFixed(0)}** | **${avg('hookbot').toFixed(0)}** | **${ratio.toFixed(2)}** |`,
  '',
];
const file = join('bench', 'RESULTS.md');
let prev = '';
try {
  prev = readFileSync(file, 'utf8').replace(/^# Benchmark results\n\n/, '');
} catch {
  /* first run */
}
writeFileSync(file, '# Benchmark results\n\n' + table.join('\n') + '\n' + prev.replace(/## Ingest: POST \/report[\s\S]*?(?=\n## |$)/, '').trim() + '\n');
process.stdout.write(table.join('\n') + '\n');

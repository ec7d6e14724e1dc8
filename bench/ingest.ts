// Ingest throughput: POST /report to hookbot (token check, parse, route, fsync'd group commit)
// against a bare Koa route that only parses the JSON, in the same run, with autocannon.
// Usage: npx tsx bench/ingest.ts [--duration 10 --connections 50] (autocannon shares the cores with the
// server and flatters the ratio: bench/wrk.ts, `npm run bench`, is the one whose figures are kept)
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

/** CPU time (user + system, all threads) a process has used, in ms; undefined off Linux. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * (1000 / 100); // clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

type Run = { rps: number; cpuUs?: number };

/** Requests per second, and the server's CPU per request (µs) while it served them. */
async function measure(port: number, child: ChildProcess): Promise<Run> {
  const before = cpuMs(child.pid);
  const r = await load(port);
  const after = cpuMs(child.pid);
  return { rps: r.rps, cpuUs: before !== undefined && after !== undefined ? ((after - before) * 1000) / r.total : undefined };
}

async function load(port: number): Promise<{ rps: number; total: number }> {
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
  return { rps: r.requests.average, total: r.requests.total };
}

async function stop(c: ChildProcess) {
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await exited;
}

const dir = mkdtempSync(join(tmpdir(), 'hookbot-bench-'));
// paced: the console bot sends at Telegram's bot-wide limit (30/s), as any real platform paces
// delivery; unpaced: it delivers as fast as it can, so the worker competes with ingest for the CPU.
const config = (port: number, paced: boolean) => `
server: { port: ${port}, host: 127.0.0.1 }
store: { sqlite: "${dir}/hookbot-${paced ? 'paced' : 'unpaced'}.db" }
log: { level: warn }
bots:
  console: { platform: console${paced ? ', limits: { bot: { count: 30, perMs: 1000 } }' : ''} }
sources:
  report: { format: report, token: ${TOKEN}, capture: 0 }
`;

type Row = { bare: Run; paced: Run; unpaced: Run };
const results: Row[] = [];

async function runHookbot(paced: boolean): Promise<Run> {
  const port = await freePort();
  writeFileSync(join(dir, 'hookbot.yaml'), config(port, paced));
  const hb = await startChild(['src/cli.ts', 'start', '-c', join(dir, 'hookbot.yaml')], { HOOKBOT_LOG_LEVEL: 'info' });
  try {
    return await measure(port, hb);
  } finally {
    await stop(hb);
  }
}

for (let round = 0; round < ROUNDS; round++) {
  process.stderr.write(`round ${round + 1}: bare Koa…\n`);
  const barePort = await freePort();
  const bare = await startChild(['bench/bare-koa.ts'], { PORT: String(barePort) });
  const bareRun = await measure(barePort, bare).finally(() => stop(bare));
  process.stderr.write(`round ${round + 1}: hookbot…\n`);
  const paced = await runHookbot(true);
  const unpaced = await runHookbot(false);
  results.push({ bare: bareRun, paced, unpaced });
  process.stderr.write(`round ${round + 1}: bare ${bareRun.rps.toFixed(0)}, paced ${paced.rps.toFixed(0)}, unpaced ${unpaced.rps.toFixed(0)} req/s\n`);
}
rmSync(dir, { recursive: true, force: true });

const mean = (k: keyof Row, m: keyof Run) => results.reduce((sum, r) => sum + (r[k][m] ?? NaN), 0) / results.length;
const cmd = `npx tsx bench/ingest.ts --duration ${DURATION} --connections ${CONNECTIONS} --rounds ${ROUNDS}`;
const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(0));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || Number.isNaN(a / b) ? 'n/a' : (a / b).toFixed(2));
const table = [
  `## Ingest: POST /report, ${CONNECTIONS} connections (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Command: \`${cmd}\` on ${cpus().length} cores, Node ${process.version}; autocannon runs on the same machine.`,
  `${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds of baseline, paced, unpaced; the body names 3 targets.`,
  '- **baseline**: a bare Koa route in its own process that parses the JSON and answers 202 (bench/bare-koa.ts).',
  '- **hookbot**: the real process — token check, report parsing, routing, and the event with its 3 deliveries',
  '  committed to SQLite (WAL, synchronous=FULL, group commit) before each 202, while the worker delivers.',
  "  *paced*: the console bot sends at Telegram's 30 messages/s per bot, as a real platform paces delivery;",
  '  *unpaced*: it sends as fast as it can, so delivery competes with ingest for the CPU.',
  '- **CPU µs/req**: the server process\'s CPU time (all its threads) while loaded, divided by the requests served.',
  '',
  '| round | baseline req/s | hookbot paced req/s | ratio | hookbot unpaced req/s | ratio |',
  '|---|---|---|---|---|---|',
  ...results.map((r, i) => `| ${i + 1} | ${f(r.bare.rps)} | ${f(r.paced.rps)} | ${ratio(r.paced.rps, r.bare.rps)} | ${f(r.unpaced.rps)} | ${ratio(r.unpaced.rps, r.bare.rps)} |`),
  `| **mean** | **${f(mean('bare', 'rps'))}** | **${f(mean('paced', 'rps'))}** | **${ratio(mean('paced', 'rps'), mean('bare', 'rps'))}** | **${f(mean('unpaced', 'rps'))}** | **${ratio(mean('unpaced', 'rps'), mean('bare', 'rps'))}** |`,
  '',
  '| round | baseline CPU µs/req | hookbot paced CPU µs/req | × baseline | hookbot unpaced CPU µs/req | × baseline |',
  '|---|---|---|---|---|---|',
  ...results.map((r, i) => `| ${i + 1} | ${f(r.bare.cpuUs)} | ${f(r.paced.cpuUs)} | ${ratio(r.paced.cpuUs, r.bare.cpuUs)} | ${f(r.unpaced.cpuUs)} | ${ratio(r.unpaced.cpuUs, r.bare.cpuUs)} |`),
  `| **mean** | **${f(mean('bare', 'cpuUs'))}** | **${f(mean('paced', 'cpuUs'))}** | **${ratio(mean('paced', 'cpuUs'), mean('bare', 'cpuUs'))}** | **${f(mean('unpaced', 'cpuUs'))}** | **${ratio(mean('unpaced', 'cpuUs'), mean('bare', 'cpuUs'))}** |`,
  '',
];
const file = join('bench', 'RESULTS.md');
let prev = '';
try {
  prev = readFileSync(file, 'utf8').replace(/^# Benchmark results\n\n/, '');
} catch {
  /* first run */
}
// Keeps the sections of other connection counts; replaces this one's.
const others = prev.split(/\n(?=## )/).filter((sec) => sec.trim() && !sec.startsWith(`## Ingest: POST /report, ${CONNECTIONS} connections`));
writeFileSync(file, '# Benchmark results\n\n' + [table.join('\n').trim(), ...others.map((x) => x.trim())].join('\n\n') + '\n');
process.stdout.write(table.join('\n') + '\n');

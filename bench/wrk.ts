// Every figure of bench/RESULTS.md in one run: ingest against both baselines (driven by wrk, one
// thread, so the load generator does not starve the server), start-up, `check` and memory with
// Telegram, Discord and Slack configured (against their fakes), and the delivery figures
// (bench/deliver.ts). hookbot runs compiled (dist/), with the node options `npm start` passes.
// Usage: npm run build && npm run bench -- [--rounds 3] [--duration 5] [--warmup 2] [--connections 50] [--backlog 500000]
//   [--skip-ingest] [--deliveries 10000] [--rate 100] [--seconds 10]
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort } from '../test/helpers/hookbot.js';
import { migrateSqlite } from '../src/store/sqlite.js';
import { startPlatforms } from './platforms.js';
import { deliveryBenches } from './deliver.js';
import { LANES_REBUILD } from '../src/store/schema.js';
import { BODY, TOKEN, cpuMs, startChild, stop } from './process.js';
import { describe, describeKinds, peakSampler, processTree, resident } from './resident.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : def);
const ROUNDS = opt('rounds', 3);
const DURATION = opt('duration', 5);
/**
 * Seconds of the same load each server gets before it is measured, not counted: what is measured is
 * the steady state, not V8 compiling the request path (hookbot's is longer than the baselines', so
 * without it the first seconds' compiling weighs on its figure most).
 */
const WARMUP = opt('warmup', 2);
const CONNECTIONS = opt('connections', 50);
const BACKLOG = opt('backlog', 500_000);
/** `--skip-ingest`: only the start-up and memory figures. */
const SKIP_INGEST = args.includes('--skip-ingest');
const DELIVERIES = opt('deliveries', 10_000);
const RATE = opt('rate', 100);
const SECONDS = opt('seconds', 10);
/** What `npm start`, the bin's shebang and the systemd units in docs/ pass to node. */
const NODE_OPTIONS = ['--max-semi-space-size=4', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering'];
const dir = mkdtempSync(join(tmpdir(), 'hookbot-wrk-'));
const log = (s: string) => process.stderr.write(s + '\n');


type Run = { rps: number; cpuUs: number };

/**
 * Requests per second, and the server's CPU time per request (µs). On a busy machine the rate
 * says how much CPU the server got; the CPU per request says what each request costs.
 */
function measure(port: number, pid: number): Run {
  if (WARMUP > 0) wrk(port, CONNECTIONS, WARMUP);
  const before = cpuMs(pid);
  const r = wrk(port);
  return { rps: r.rps, cpuUs: ((cpuMs(pid) - before) * 1000) / r.requests };
}

function wrk(port: number, connections = CONNECTIONS, duration = DURATION): { rps: number; requests: number } {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '-s', 'bench/post.lua', `http://127.0.0.1:${port}/report`], {
    env: { ...process.env, BENCH_BODY: BODY },
    encoding: 'utf8',
  });
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (bad) log(`  (${bad[1]} answers were not 2xx)`);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]), requests: Number(/(\d+) requests in/.exec(out)![1]) };
}

/** The console bot for ingest (no network); the three big platforms' for start-up and memory. */
let platformBots: string | undefined;
const config = (port: number, db: string) => `
server: { port: ${port}, host: 127.0.0.1 }
store: { sqlite: "${db}" }
log: { level: warn }
bots:
${platformBots ?? '  console: { platform: console, limits: { bot: { count: 30, perMs: 1000 } } }'}
sources:
  report: { format: report, token: ${TOKEN}, capture: 0 }
`;

async function hookbot(db: string, via: 'node' | 'npm' = 'node'): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const file = join(dir, `hookbot-${port}.yaml`);
  writeFileSync(file, config(port, db));
  const child = via === 'node' ? await startChild(process.execPath, [...NODE_OPTIONS, 'bin/hookbot.js', 'start', '-c', file], { ...platformEnv, HOOKBOT_LOG_LEVEL: 'info' }) : await startChild('npm', ['start', '--silent', '--', '-c', file], { ...platformEnv, HOOKBOT_LOG_LEVEL: 'info' });
  return { port, child };
}

/** A store with `n` pending deliveries in 1,000 chats, held (due in a week), as after an outage. */
function seed(file: string, n: number, dueIn = 7 * 24 * 3600_000) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrateSqlite(db);
  const now = Date.now();
  const ev = db.prepare('INSERT INTO events (id, source, dedup_key, event, level, title, notice, answer, created_at, first_delivery, last_delivery) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)');
  const dl = db.prepare("INSERT INTO deliveries (event_id, bot, chat, thread, kind, target, silent, state, attempts, next_at, created_at, updated_at) VALUES (?, 'console', ?, NULL, 'group', ?, 0, 'pending', 0, ?, ?, ?)");
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `evt_seed${i}`;
      const chat = `held${i % 1000}`;
      // The event holds the id range of its deliveries, as the store writes it (schema.ts).
      const did = dl.run(id, chat, `console:${chat}`, now + dueIn, now, now).lastInsertRowid;
      ev.run(id, 'report', 'report', 'info', 'seed', JSON.stringify({ source: 'report', event: 'report', level: 'info', title: 'seed', text: String(i), time: new Date(now).toISOString() }), '{}', now, did, did);
    }
    // Written past the store: its chats' lanes (heads) are found as at an upgrade.
    db.exec(LANES_REBUILD);
  })();
  db.close();
}

/**
 * `union MB (…)` of npm's tree, then hookbot's own process, and what its pages hold: the union (each
 * physical page once) is what everything `npm start` leaves running holds in RAM; VmRSS summed
 * counts the node binary and libraries npm and hookbot share once per process.
 */
function memOf(npm: number): string {
  const pids = processTree(npm);
  const read = new Map();
  const alone = resident(pids.filter((p) => p !== npm), read);
  return `${describe(resident(pids, read))}; hookbot alone ${describe(alone)}, of which ${describeKinds(alone)} MB`;
}

const out: string[] = [];
let platformEnv: Record<string, string> = {};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// 1. Ingest against both baselines, and with a backlog, in the same rounds.
const backlogDb = join(dir, 'backlog.db');
if (!SKIP_INGEST) {
  log(`seeding ${BACKLOG} pending deliveries…`);
  seed(backlogDb, BACKLOG);
}
const rows: Run[][] = [];
for (let r = 0; r < (SKIP_INGEST ? 0 : ROUNDS); r++) {
  const row: Run[] = [];
  for (const script of ['bench/bare-http.ts', 'bench/bare-koa.ts']) {
    const port = await freePort();
    const c = await startChild(process.execPath, ['--import', 'tsx', script], { PORT: String(port) });
    row.push(measure(port, c.pid!));
    await stop(c);
  }
  for (const db of [join(dir, `empty-${r}.db`), backlogDb]) {
    const hb = await hookbot(db);
    row.push(measure(hb.port, hb.child.pid!));
    await stop(hb.child);
  }
  log(`round ${r + 1}: ${row.map((x) => `${x.rps.toFixed(0)} req/s ${x.cpuUs.toFixed(0)} µs`).join(' | ')}`);
  rows.push(row);
}
const f0 = (n: number) => n.toFixed(0);
const f2 = (n: number) => n.toFixed(2);
const table = (k: keyof Run, better: 'higher' | 'lower') => {
  const m = [0, 1, 2, 3].map((i) => mean(rows.map((r) => r[i]![k])));
  // Ratios read as "hookbot's speed relative to": for CPU per request, the inverse.
  const rel = (a: number, b: number) => f2(better === 'higher' ? a / b : b / a);
  return [
    ...rows.map((r, i) => `| ${i + 1} | ${f0(r[0]![k])} | ${f0(r[1]![k])} | ${f0(r[2]![k])} | ${rel(r[2]![k], r[1]![k])} | ${rel(r[2]![k], r[0]![k])} | ${f0(r[3]![k])} | ${rel(r[3]![k], r[2]![k])} |`),
    `| **mean** | **${f0(m[0]!)}** | **${f0(m[1]!)}** | **${f0(m[2]!)}** | **${rel(m[2]!, m[1]!)}** | **${rel(m[2]!, m[0]!)}** | **${f0(m[3]!)}** | **${rel(m[3]!, m[2]!)}** |`,
  ];
};
const head = '| round | raw node:http | bare Koa | hookbot | vs Koa | vs raw | hookbot, backlog | vs empty |\n|---|---|---|---|---|---|---|---|';
if (!SKIP_INGEST) out.push(
  `## Ingest with wrk: durable POST /report (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Command: \`npm run build && npx tsx bench/wrk.ts --rounds ${ROUNDS} --duration ${DURATION} --warmup ${WARMUP} --connections ${CONNECTIONS} --backlog ${BACKLOG}\` on ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end.`,
  `Each run: \`wrk -t1 -c${CONNECTIONS} -d${DURATION}s -s bench/post.lua\`, after ${WARMUP} s of the same load not counted; the body names 3 targets; hookbot (compiled, \`node bin/hookbot.js start\`) commits the event and its 3 deliveries (fsync'd group commit) before each 202, the console bot paced at 30/s.`,
  `*backlog*: the same with ${BACKLOG} pending deliveries in 1,000 chats already in the store.`,
  '',
  'Requests per second (the "vs" columns: hookbot ÷ the other):',
  '',
  head,
  ...table('rps', 'higher'),
  '',
  "CPU time per request, µs, of the server process (all its threads); the \"vs\" columns: the other's CPU per request ÷ hookbot's, the throughput ratio on an otherwise idle machine:",
  '',
  head,
  ...table('cpuUs', 'lower'),
  '',
);

// 2. Start to a 200 from /healthz, and `hookbot check`, with Telegram, Discord and Slack configured.
const platforms = await startPlatforms();
// The console bot first (the default bot, where the bench's reports and the 10k pending go, paced
// as Telegram paces a bot), then the three platforms.
platformBots = `  console: { platform: console, limits: { bot: { count: 30, perMs: 1000 } } }\n${platforms.bots}`;
platformEnv = platforms.env;
const starts: number[] = [];
const checks: number[] = [];
const startCpu: number[] = [];
const checkCpu: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const port = await freePort();
  const file = join(dir, `start-${r}.yaml`);
  writeFileSync(file, config(port, join(dir, `start-${r}.db`)));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...NODE_OPTIONS, 'bin/hookbot.js', 'start', '-c', file], { stdio: 'ignore', env: { ...process.env, ...platformEnv } });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((res) => res.status === 200, () => false);
    if (ok) break;
    await new Promise((res) => setTimeout(res, 5));
  }
  starts.push(performance.now() - t0);
  startCpu.push(cpuMs(child.pid!));
  await stop(child);
  const t1 = performance.now();
  const time = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...NODE_OPTIONS, 'bin/hookbot.js', 'check', '-c', file], { encoding: 'utf8', env: { ...process.env, ...platformEnv } }).stderr;
  checks.push(performance.now() - t1);
  const [u, sy] = time.trim().split('\n').pop()!.split(' ').map(Number);
  checkCpu.push((u! + sy!) * 1000);
}
out.push(
  '## Start-up (Telegram, Discord and Slack configured, against their fakes)',
  '',
  `\`node bin/hookbot.js start\` to the first 200 from /healthz: ${starts.map((s) => f0(s)).join(', ')} ms wall (mean ${f0(mean(starts))}); CPU used by then ${startCpu.map((s) => f0(s)).join(', ')} ms (mean ${f0(mean(startCpu))}).`,
  `\`node bin/hookbot.js check -c …\`: ${checks.map((s) => f0(s)).join(', ')} ms wall (mean ${f0(mean(checks))}); CPU ${checkCpu.map((s) => f0(s)).join(', ')} ms (mean ${f0(mean(checkCpu))}).`,
  '',
);

// 3. Resident memory of everything `npm start` leaves running.
const mem: string[] = [];
{
  const hb = await hookbot(join(dir, 'idle.db'), 'npm');
  await new Promise((r) => setTimeout(r, 3000));
  mem.push(`idle, 3 s after start: ${memOf(hb.child.pid!)}`);
  // V8 gives back part of what start-up grew (its young generation, free old-space pages) only
  // when its memory reducer runs, some tens of seconds after the allocation stops, and not always.
  await new Promise((r) => setTimeout(r, 27_000));
  mem.push(`idle, 30 s after start: ${memOf(hb.child.pid!)}`);
  await stop(hb.child);
}
{
  const db = join(dir, 'pending.db');
  seed(db, 10_000, 0);
  const hb = await hookbot(db, 'npm');
  await new Promise((r) => setTimeout(r, 3000));
  mem.push(`10k pending (due, paced at 30/s): ${memOf(hb.child.pid!)}`);
  await stop(hb.child);
}
{
  const hb = await hookbot(join(dir, 'burst.db'), 'npm');
  const tree = peakSampler(hb.child.pid!);
  await new Promise<void>((resolve) => {
    const w = spawn('wrk', ['-t1', '-c2000', '-d5s', '-s', 'bench/post.lua', `http://127.0.0.1:${hb.port}/report`], { env: { ...process.env, BENCH_BODY: BODY }, stdio: 'ignore' });
    w.once('exit', () => resolve());
  });
  const peak = tree.stop();
  const mb = (kb: number | null) => (kb === null ? '?' : f0(kb / 1024));
  mem.push(`peak of a 2,000-connection burst (wrk -c2000 -d5s): ${mb(peak.tree.unionKb)} MB (VmRSS summed ${mb(peak.tree.rssKb)} MB); hookbot alone ${mb(peak.alone.unionKb)} MB (VmRSS ${mb(peak.alone.rssKb)} MB)`);
  await stop(hb.child);
}
await platforms.stop();
out.push(
  '## Resident memory (Telegram, Discord and Slack configured, against their fakes)',
  '',
  'Of everything `npm start` leaves running (the node processes of npm and of hookbot): the physical memory it holds, each page once (/proc/<pid>/pagemap); in brackets VmRSS summed over the processes (the node binary and libraries npm and hookbot share counted twice), Pss summed (shared pages split with every other process of the machine that maps them) and private (Rss − Shared); then hookbot alone, as docs/hookbot.service runs it:',
  '',
  ...mem.map((x) => `- ${x}`),
  '',
);

// 4. Deliveries per second and POST → received latency, with their baselines.
out.push(...(await deliveryBenches({ deliveries: DELIVERIES, rate: RATE, seconds: SECONDS }, log)));

rmSync(dir, { recursive: true, force: true });
process.stdout.write(out.join('\n') + '\n');

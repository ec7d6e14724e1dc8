// Ingest, start-up and memory figures for bench/RESULTS.md, driven by wrk (one thread) so the load
// generator does not starve the server. hookbot runs compiled (dist/, as `npm start` does).
// Usage: npm run build && npx tsx bench/wrk.ts [--rounds 3] [--duration 5] [--connections 50] [--backlog 500000]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort } from '../test/helpers/hookbot.js';
import { SCHEMA } from '../src/store/schema.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : def);
const ROUNDS = opt('rounds', 3);
const DURATION = opt('duration', 5);
const CONNECTIONS = opt('connections', 50);
const BACKLOG = opt('backlog', 500_000);
const TOKEN = 'bench-token-0123456789abcdef';
const BODY = JSON.stringify({ token: TOKEN, title: 'Backup finished', content: 'nightly backup took 5 min, 1.2 GB', send_to: [10001, '10002'], send_to_group: 20001 });
const dir = mkdtempSync(join(tmpdir(), 'hookbot-wrk-'));
const log = (s: string) => process.stderr.write(s + '\n');

function startChild(cmd: string, argv: string[], env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes('listening on port')) resolve(child);
    });
    child.once('exit', () => reject(new Error(`${cmd} ${argv.join(' ')} exited:\n${err}`)));
  });
}

async function stop(c: ChildProcess) {
  if (c.exitCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await exited;
}

function wrk(port: number, connections = CONNECTIONS, duration = DURATION): number {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '-s', 'bench/post.lua', `http://127.0.0.1:${port}/report`], {
    env: { ...process.env, BENCH_BODY: BODY },
    encoding: 'utf8',
  });
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (bad) log(`  (${bad[1]} answers were not 2xx)`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
}

const config = (port: number, db: string) => `
server: { port: ${port}, host: 127.0.0.1 }
store: { sqlite: "${db}" }
log: { level: warn }
bots:
  console: { platform: console, limits: { bot: { count: 30, perMs: 1000 } } }
sources:
  report: { format: report, token: ${TOKEN}, capture: 0 }
`;

async function hookbot(db: string, via: 'node' | 'npm' = 'node'): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const file = join(dir, `hookbot-${port}.yaml`);
  writeFileSync(file, config(port, db));
  const child = via === 'node' ? await startChild(process.execPath, ['bin/hookbot.js', 'start', '-c', file], { HOOKBOT_LOG_LEVEL: 'info' }) : await startChild('npm', ['start', '--silent', '--', '-c', file], { HOOKBOT_LOG_LEVEL: 'info' });
  return { port, child };
}

/** A store with `n` pending deliveries in 1,000 chats, held (due in a week), as after an outage. */
function seed(file: string, n: number, dueIn = 7 * 24 * 3600_000) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  const now = Date.now();
  const ev = db.prepare('INSERT INTO events (id, source, dedup_key, event, level, title, notice, answer, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)');
  const dl = db.prepare("INSERT INTO deliveries (event_id, bot, chat, thread, kind, target, silent, state, attempts, next_at, created_at, updated_at) VALUES (?, 'console', ?, NULL, 'group', ?, 0, 'pending', 0, ?, ?, ?)");
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `evt_seed${i}`;
      const chat = `held${i % 1000}`;
      ev.run(id, 'report', 'report', 'info', 'seed', JSON.stringify({ source: 'report', event: 'report', level: 'info', title: 'seed', text: String(i), time: new Date(now).toISOString() }), '{}', now);
      dl.run(id, chat, `console:${chat}`, now + dueIn, now, now);
    }
  })();
  db.close();
}

/** Resident memory (kB) of a process and every process under it. */
function rssTree(pid: number): number {
  const kids = new Map<number, number[]>();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(p)]);
    } catch {
      /* gone */
    }
  }
  let total = 0;
  for (const todo = [pid]; todo.length; ) {
    const p = todo.pop()!;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1]);
    } catch {
      /* gone */
    }
    todo.push(...(kids.get(p) ?? []));
  }
  return total;
}

const out: string[] = [];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// 1. Ingest against both baselines, and with a backlog, in the same rounds.
const backlogDb = join(dir, 'backlog.db');
log(`seeding ${BACKLOG} pending deliveries…`);
seed(backlogDb, BACKLOG);
const rows: number[][] = [];
for (let r = 0; r < ROUNDS; r++) {
  const row: number[] = [];
  for (const [script] of [['bench/bare-http.ts'], ['bench/bare-koa.ts']] as const) {
    const port = await freePort();
    const c = await startChild(process.execPath, ['--import', 'tsx', script], { PORT: String(port) });
    row.push(wrk(port));
    await stop(c);
  }
  for (const db of [join(dir, `empty-${r}.db`), backlogDb]) {
    const hb = await hookbot(db);
    row.push(wrk(hb.port));
    await stop(hb.child);
  }
  log(`round ${r + 1}: raw http ${row[0]}, bare Koa ${row[1]}, hookbot ${row[2]}, hookbot with backlog ${row[3]} req/s`);
  rows.push(row);
}
const m = [0, 1, 2, 3].map((i) => mean(rows.map((r) => r[i]!)));
const f0 = (n: number) => n.toFixed(0);
const f2 = (n: number) => n.toFixed(2);
out.push(
  `## Ingest with wrk: durable POST /report (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Command: \`npm run build && npx tsx bench/wrk.ts --rounds ${ROUNDS} --duration ${DURATION} --connections ${CONNECTIONS} --backlog ${BACKLOG}\` on ${cpus().length} cores, Node ${process.version}.`,
  `Each run: \`wrk -t1 -c${CONNECTIONS} -d${DURATION}s -s bench/post.lua\`; the body names 3 targets; hookbot (compiled, \`node bin/hookbot.js start\`) commits the event and its 3 deliveries (fsync'd group commit) before each 202, the console bot paced at 30/s.`,
  `*backlog*: the same with ${BACKLOG} pending deliveries in 1,000 chats already in the store.`,
  '',
  '| round | raw node:http | bare Koa | hookbot | ÷ Koa | ÷ raw | hookbot, backlog | ÷ empty |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r, i) => `| ${i + 1} | ${f0(r[0]!)} | ${f0(r[1]!)} | ${f0(r[2]!)} | ${f2(r[2]! / r[1]!)} | ${f2(r[2]! / r[0]!)} | ${f0(r[3]!)} | ${f2(r[3]! / r[2]!)} |`),
  `| **mean** | **${f0(m[0]!)}** | **${f0(m[1]!)}** | **${f0(m[2]!)}** | **${f2(m[2]! / m[1]!)}** | **${f2(m[2]! / m[0]!)}** | **${f0(m[3]!)}** | **${f2(m[3]! / m[2]!)}** |`,
  '',
);

// 2. Start to a 200 from /healthz, and `hookbot check`.
const starts: number[] = [];
const checks: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const port = await freePort();
  const file = join(dir, `start-${r}.yaml`);
  writeFileSync(file, config(port, join(dir, `start-${r}.db`)));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/hookbot.js', 'start', '-c', file], { stdio: 'ignore' });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((res) => res.status === 200, () => false);
    if (ok) break;
    await new Promise((res) => setTimeout(res, 5));
  }
  starts.push(performance.now() - t0);
  await stop(child);
  const t1 = performance.now();
  execFileSync(process.execPath, ['bin/hookbot.js', 'check', '-c', file], { stdio: 'ignore' });
  checks.push(performance.now() - t1);
}
out.push(
  '## Start-up',
  '',
  `\`node bin/hookbot.js start\` to the first 200 from /healthz: ${starts.map((s) => f0(s)).join(', ')} ms (mean ${f0(mean(starts))}).`,
  `\`node bin/hookbot.js check -c …\`: ${checks.map((s) => f0(s)).join(', ')} ms (mean ${f0(mean(checks))}).`,
  '',
);

// 3. Resident memory of everything `npm start` leaves running.
const mem: string[] = [];
{
  const hb = await hookbot(join(dir, 'idle.db'), 'npm');
  await new Promise((r) => setTimeout(r, 3000));
  mem.push(`idle: ${f0(rssTree(hb.child.pid!) / 1024)} MB`);
  await stop(hb.child);
}
{
  const db = join(dir, 'pending.db');
  seed(db, 10_000, 0);
  const hb = await hookbot(db, 'npm');
  await new Promise((r) => setTimeout(r, 3000));
  mem.push(`10k pending (due, paced at 30/s): ${f0(rssTree(hb.child.pid!) / 1024)} MB`);
  await stop(hb.child);
}
{
  const hb = await hookbot(join(dir, 'burst.db'), 'npm');
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssTree(hb.child.pid!))), 50);
  await new Promise<void>((resolve) => {
    const w = spawn('wrk', ['-t1', '-c2000', '-d5s', '-s', 'bench/post.lua', `http://127.0.0.1:${hb.port}/report`], { env: { ...process.env, BENCH_BODY: BODY }, stdio: 'ignore' });
    w.once('exit', () => resolve());
  });
  clearInterval(sampler);
  mem.push(`peak of a 2,000-connection burst (wrk -c2000 -d5s): ${f0(peak / 1024)} MB`);
  await stop(hb.child);
}
out.push('## Resident memory (`npm start`: npm and hookbot with its store thread; console bot)', '', ...mem.map((x) => `- ${x}`), '');

rmSync(dir, { recursive: true, force: true });
process.stdout.write(out.join('\n') + '\n');

// Ingest on PostgreSQL beside SQLite and the bare route (issue 11's figure), driven by wrk with one
// thread so the load generator does not starve the servers. In each round, one after another: a
// bare Koa route that only parses the JSON (bench/bare-koa.ts), hookbot on SQLite (a new file), and
// hookbot on PostgreSQL (a new database): the durable POST /report, the event and its 3 deliveries
// committed before each 202.
//
// Usage: npm run build && npx tsx bench/pg-ingest.ts [--rounds 3] [--duration 5] [--connections 50]
//   hookbot runs compiled (bin/hookbot.js, as `npm start` does); without dist/ it runs from the
//   TypeScript sources through tsx (slower: say so beside the figures).
//   PostgreSQL: the machine's own server (HOOKBOT_TEST_PG names another admin URL), as the tests.
//   Deliveries per second with one and three instances: bench/pg-scale.ts.
// The CPU per request counts the hookbot process (all its threads), and for PostgreSQL also the
// server's backends serving it (their CPU time from /proc, the database's processes only).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/helpers/hookbot.js';
import { createTestDatabase } from '../test/helpers/postgres.js';
import { BODY, TOKEN, cpuMs, startChild, stop } from './process.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : def);
const ROUNDS = opt('rounds', 3);
const DURATION = opt('duration', 5);
const CONNECTIONS = opt('connections', 50);
const COMPILED = existsSync('dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'hookbot-pg-ingest-'));
const log = (s: string) => process.stderr.write(s + '\n');


/** The PostgreSQL backends connected to `db` (their command line names the database). */
function backendsCpuMs(db: string): number {
  let total = 0;
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(` ${db} `)) total += cpuMs(Number(p));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return total;
}

function wrk(port: number): { rps: number; requests: number; bad: number } {
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${DURATION}s`, '-s', 'bench/post.lua', `http://127.0.0.1:${port}/report`], { env: { ...process.env, BENCH_BODY: BODY }, encoding: 'utf8' });
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]), requests: Number(/(\d+) requests in/.exec(out)![1]), bad: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) };
}

type Run = { rps: number; cpuUs: number; dbUs: number };

function measure(port: number, pid: number, db?: string): Run {
  const before = [cpuMs(pid), db ? backendsCpuMs(db) : 0];
  const r = wrk(port);
  if (r.bad) log(`  (${r.bad} answers were not 2xx)`);
  const own = cpuMs(pid) - before[0]!;
  const backends = db ? backendsCpuMs(db) - before[1]! : 0;
  return { rps: r.rps, cpuUs: ((own + backends) * 1000) / r.requests, dbUs: (backends * 1000) / r.requests };
}

const config = (port: number, store: string) => `
server: { port: ${port}, host: 127.0.0.1 }
store: ${store}
log: { level: warn }
bots:
  console: { platform: console, limits: { bot: { count: 30, perMs: 1000 } } }
sources:
  report: { format: report, token: ${TOKEN}, capture: 0 }
`;

async function hookbot(store: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const file = join(dir, `hookbot-${port}.yaml`);
  writeFileSync(file, config(port, store));
  const argv = COMPILED ? ['bin/hookbot.js', 'start', '-c', file] : ['--import', 'tsx', 'src/cli.ts', 'start', '-c', file];
  return { port, child: await startChild(process.execPath, argv, { HOOKBOT_LOG_LEVEL: 'info' }) };
}

const rows: Run[][] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    const row: Run[] = [];
    const port = await freePort();
    const koa = await startChild(process.execPath, ['--import', 'tsx', 'bench/bare-koa.ts'], { PORT: String(port) });
    row.push(measure(port, koa.pid!));
    await stop(koa);
    const lite = await hookbot(`{ sqlite: "${join(dir, `r${r}.db`)}" }`);
    row.push(measure(lite.port, lite.child.pid!));
    await stop(lite.child);
    const pg = await createTestDatabase();
    try {
      const h = await hookbot(`{ postgres: "${pg.url}" }`);
      row.push(measure(h.port, h.child.pid!, new URL(pg.url).pathname.slice(1)));
      await stop(h.child);
    } finally {
      await pg.drop();
    }
    log(`round ${r + 1}: ${row.map((x) => `${x.rps.toFixed(0)} req/s ${x.cpuUs.toFixed(0)} µs`).join(' | ')}`);
    rows.push(row);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f0 = (n: number) => n.toFixed(0);
const f2 = (n: number) => n.toFixed(2);
const m = [0, 1, 2].map((i) => ({ rps: mean(rows.map((r) => r[i]!.rps)), cpuUs: mean(rows.map((r) => r[i]!.cpuUs)), dbUs: mean(rows.map((r) => r[i]!.dbUs)) }));
const line = (label: string, x: Run[]) =>
  `| ${label} | ${f0(x[0]!.rps)} | ${f0(x[1]!.rps)} | ${f0(x[2]!.rps)} | ${f2(x[2]!.rps / x[1]!.rps)} | ${f0(x[1]!.cpuUs)} | ${f0(x[2]!.cpuUs)} (${f0(x[2]!.dbUs)} in PostgreSQL) | ${f2(x[1]!.cpuUs / x[2]!.cpuUs)} |`;
console.log(
  [
    `Command: \`${COMPILED ? 'npm run build && ' : ''}npx tsx bench/pg-ingest.ts --rounds ${ROUNDS} --duration ${DURATION} --connections ${CONNECTIONS}\` on ${cpus().length} cores, Node ${process.version}, hookbot ${COMPILED ? 'compiled' : 'from sources (tsx)'}, load average ${loadavg()[0]!.toFixed(1)} at the end.`,
    `Each run: \`wrk -t1 -c${CONNECTIONS} -d${DURATION}s -s bench/post.lua\`; the body names 3 targets.`,
    '',
    '| round | bare Koa req/s | SQLite req/s | PostgreSQL req/s | PG ÷ SQLite | SQLite CPU µs/req | PG CPU µs/req (hookbot + backends) | PG ÷ SQLite, by CPU |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r, i) => line(String(i + 1), r)),
    line('**mean**', m),
  ].join('\n'),
);

// Claiming and committing under a backlog: the cost of a worker cycle (ingest a few reports, claim
// what is due, record the sends) on a store with no other work, and on one holding 500,000 pending
// deliveries in 1,000 chats that are not due (held: a platform was down for a week). Both stores
// must not care about the backlog: a claim reads only the due heads of the chats (the lanes).
//
// Usage: npx tsx bench/claim-backlog.ts [--cycles 300] [--backlog 500000] [--chats 1000] [--postgres URL]
//   SQLite runs in this process (no store thread), so its CPU time is the store's own cost.
//   PostgreSQL (--postgres, an admin URL: a scratch database is created and dropped) runs in the
//   server, so its figures are wall time per cycle and, deterministic, the shared buffers one claim
//   touches (EXPLAIN (ANALYZE, BUFFERS) of the claim statement, rolled back).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newEventId } from '../src/event-id.js';
import { migrateSqlite, SqliteStore } from '../src/store/sqlite.js';
import { LANES_REBUILD } from '../src/store/schema.js';
import { CLAIM_SQL, PgStore } from '../src/store/postgres.js';
import type { IngestRequest, Store } from '../src/store/store.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const CYCLES = Number(opt('cycles') ?? 300);
const BACKLOG = Number(opt('backlog') ?? 500_000);
const CHATS = Number(opt('chats') ?? 1000);
const PG_URL = opt('postgres');
const WEEK = 7 * 24 * 3600_000;
const log = (s: string) => process.stderr.write(s + '\n');

/** 10 reports, 2 live chats each: 20 deliveries due now, in chats with no backlog. */
const batch = (cycle: number): IngestRequest[] =>
  Array.from({ length: 10 }, (_, i) => ({
    id: newEventId(Date.now()),
    source: 'bench',
    notice: { source: 'bench', format: 'report', event: 'report', level: 'info', time: '', text: `${cycle}/${i}`, vars: {} },
    deliveries: [0, 1].map((k) => ({ bot: 'console', chat: `live${(i * 2 + k) % 20}`, kind: 'group' as const, target: 'console', silent: false })),
  }));

type Cost = { cpuMsPerCycle: number; wallMsPerCycle: number; claimed: number };

/** Runs the cycles: ingest, claim what is due, mark it sent. */
async function cycles(store: Store): Promise<Cost> {
  // Warm-up: statement caches, JIT.
  for (let c = 0; c < 20; c++) await cycle(store, c);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let claimed = 0;
  for (let c = 0; c < CYCLES; c++) claimed += await cycle(store, c);
  const cpu = process.cpuUsage(cpu0);
  return { cpuMsPerCycle: (cpu.user + cpu.system) / 1000 / CYCLES, wallMsPerCycle: (performance.now() - t0) / CYCLES, claimed };
}

async function cycle(store: Store, c: number): Promise<number> {
  await Promise.all(batch(c).map((r) => store.ingest(r)));
  let n = 0;
  // Until nothing is due: each chat's deliveries go one at a time, in order.
  for (;;) {
    const due = await store.claimDue(Date.now(), 50, ['console']);
    if (!due.length) return n;
    n += due.length;
    await Promise.all(due.map((d) => store.markSent(d, Date.now())));
  }
}

function seedSqlite(file: string, n: number) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrateSqlite(db);
  const now = Date.now();
  const dl = db.prepare("INSERT INTO deliveries (event_id, bot, chat, kind, target, state, next_at, created_at, updated_at) VALUES ('evt_seed', 'console', ?, 'group', 'console', 'pending', ?, ?, ?)");
  db.transaction(() => {
    for (let i = 0; i < n; i++) dl.run(`held${i % CHATS}`, now + WEEK, now, now);
    db.exec(LANES_REBUILD);
  })();
  db.close();
}

const out: string[] = [];
const f2 = (x: number) => x.toFixed(2);
const dir = mkdtempSync(join(tmpdir(), 'hookbot-claim-'));
try {
  // SQLite
  const sqlite: Cost[] = [];
  for (const n of [0, BACKLOG]) {
    const file = join(dir, `s${n}.db`);
    log(`sqlite: seeding ${n}…`);
    seedSqlite(file, n);
    const store = SqliteStore.open(file, { instance: 'bench' });
    sqlite.push(await cycles(store));
    await store.close();
    log(`sqlite ${n}: ${JSON.stringify(sqlite.at(-1))}`);
  }
  out.push(
    `| SQLite (in process) | ${f2(sqlite[0]!.cpuMsPerCycle)} | ${f2(sqlite[1]!.cpuMsPerCycle)} | **${f2(sqlite[1]!.cpuMsPerCycle / sqlite[0]!.cpuMsPerCycle)}** | ${f2(sqlite[0]!.wallMsPerCycle)} | ${f2(sqlite[1]!.wallMsPerCycle)} | ${f2(sqlite[1]!.wallMsPerCycle / sqlite[0]!.wallMsPerCycle)} | – |`,
  );

  // PostgreSQL
  if (PG_URL) {
    const pgc: (Cost & { buffers: number; plan: string })[] = [];
    for (const n of [0, BACKLOG]) {
      const name = `hookbot_bench_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(PG_URL);
      url.pathname = '/' + name;
      try {
        const store = await PgStore.open(url.toString(), { instance: 'bench' });
        const c = new pg.Client({ connectionString: url.toString() });
        await c.connect();
        log(`postgres: seeding ${n}…`);
        const now = Date.now();
        await c.query(
          `INSERT INTO deliveries (event_id, bot, chat, kind, target, state, next_at, created_at, updated_at)
           SELECT 'evt_seed', 'console', 'held' || (i % $2), 'group', 'console', 'pending', $3, $4, $4 FROM generate_series(0, $1 - 1) i`,
          [n, CHATS, now + WEEK, now],
        );
        await c.query(`INSERT INTO lanes (bot, chat, head_id, next_at) SELECT DISTINCT ON (bot, chat) bot, chat, id, next_at FROM deliveries WHERE state = 'pending' ORDER BY bot, chat, id`);
        await c.query('VACUUM ANALYZE');
        const cost = await cycles(store);
        // One claim with 20 due heads beside the backlog, explained and rolled back.
        await Promise.all(batch(0).map((r) => store.ingest(r)));
        await c.query('BEGIN');
        const plan = (
          await c.query(
            `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) ${CLAIM_SQL}`,
            [['console'], Date.now(), 50, 'bench', Date.now() + 60_000],
          )
        ).rows.map((r) => r['QUERY PLAN'] as string);
        await c.query('ROLLBACK');
        const top = plan.find((l) => /Buffers:/.test(l)) ?? '';
        const buffers = [...top.matchAll(/(hit|read|dirtied|written)=(\d+)/g)].reduce((s, m) => s + Number(m[2]), 0);
        pgc.push({ ...cost, buffers, plan: plan.join('\n') });
        log(`postgres ${n}: ${JSON.stringify({ ...cost, buffers })}`);
        await c.end();
        await store.close();
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    }
    out.push(
      `| PostgreSQL 15 | – | – | – | ${f2(pgc[0]!.wallMsPerCycle)} | ${f2(pgc[1]!.wallMsPerCycle)} | **${f2(pgc[1]!.wallMsPerCycle / pgc[0]!.wallMsPerCycle)}** | ${pgc[0]!.buffers} → ${pgc[1]!.buffers} |`,
      '',
      `The claim's plan with ${BACKLOG} pending (EXPLAIN ANALYZE, BUFFERS):`,
      '',
      '```',
      pgc[1]!.plan,
      '```',
    );
  }
  const cmd = `npx tsx bench/claim-backlog.ts --cycles ${CYCLES} --backlog ${BACKLOG} --chats ${CHATS}${PG_URL ? ' --postgres postgres://postgres@127.0.0.1:5432/postgres' : ''}`;
  console.log(
    [
      `Command: \`${cmd}\` on ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end.`,
      `A cycle: 10 reports × 2 deliveries to 20 live chats committed, then claim (limit 50) and mark sent until nothing is due (${CYCLES} cycles after 20 of warm-up).`,
      `*backlog*: ${BACKLOG} pending deliveries in ${CHATS} other chats, due in a week.`,
      '',
      '| store | CPU ms/cycle, empty | CPU ms/cycle, backlog | ratio | wall ms/cycle, empty | wall ms/cycle, backlog | ratio | buffers per claim, empty → backlog |',
      '|---|---|---|---|---|---|---|---|',
      ...out,
    ].join('\n'),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

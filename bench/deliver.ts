// Delivery figures: deliveries per second to a platform without limits, and the latency from a
// POST /report to the platform receiving it. The platform is the fake Telegram Bot API of the tests
// (test/fakes/telegram) in this process with its flood limits off, and hookbot's Telegram limits
// raised out of the way: one bot, many chats, each chat its own lane, as a real deployment has.
// Baselines in the same run: a bare client calling sendMessage on the same fake (the most a sender
// on this machine gets from it).
// Usage: npm run build && npx tsx bench/deliver.ts [--deliveries 10000] [--rate 100] [--seconds 10]
import { spawn, type ChildProcess } from 'node:child_process';
import { request, Agent } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/helpers/hookbot.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { newEventId } from '../src/event-id.js';
import { FakeTelegram } from '../test/fakes/telegram/fake-telegram.js';
import type { SentMessage } from '../test/fakes/telegram/methods.js';
import { cpuMs, stop } from './process.js';

const TOKEN = 'bench-token-0123456789abcdef';
/** hookbot's default worker.concurrency (src/config.ts); the bare client sends as many at a time. */
const CONCURRENCY = 32;
/** Chats: more than the worker's concurrency, so it never waits for a free lane. */
const CHATS = 64;
const BOT_TOKEN = '123456789:AAHbenchTelegramTokenForTheFakeApi01';
const chatId = (i: number) => -1001000000000 - (i % CHATS);
/** Far above what one process sends: hookbot's pacing is not what is measured. */
const NO_LIMIT = '{ count: 1000000, perMs: 1000 }';

export interface DeliverOptions {
  deliveries: number;
  rate: number;
  seconds: number;
}

/** The fake Bot API; `seen` gets each message's text and arrival time (performance.now()). */
async function platform(seen: (text: string, at: number) => void): Promise<{ fake: FakeTelegram; url: string }> {
  const fake = new FakeTelegram({ tokens: [BOT_TOKEN], limits: false });
  for (let i = 0; i < CHATS; i++) fake.addChat({ id: chatId(i), type: 'supergroup' });
  // The fake keeps what it was sent in `sent`: each push is a message received.
  const push = fake.sent.push.bind(fake.sent);
  fake.sent.push = (...m: SentMessage[]) => {
    for (const x of m) seen(x.text, performance.now());
    return push(...m);
  };
  const { url } = await fake.start();
  return { fake, url };
}

const config = (port: number, db: string, api: string) => `
server: { port: ${port}, host: 127.0.0.1 }
store: { sqlite: "${db}" }
log: { level: warn }
bots:
  telegram: { platform: telegram, token: "${BOT_TOKEN}", apiRoot: "${api}", limits: { user: ${NO_LIMIT}, group: ${NO_LIMIT}, bot: ${NO_LIMIT} } }
sources:
  report: { format: report, token: ${TOKEN}, capture: 0 }
`;

function startHookbot(file: string): Promise<ChildProcess> {
  // BENCH_NODE_ARGS: e.g. --cpu-prof, to see where a figure's time goes.
  const extra = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, 'bin/hookbot.js', 'start', '-c', file], { env: { ...process.env, HOOKBOT_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes('listening on port')) resolve(child);
    });
    child.once('exit', () => reject(new Error(`hookbot exited:\n${err}`)));
  });
}


function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (done()) return resolve();
      if (performance.now() - t0 > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 2);
    };
    tick();
  });
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** POSTs `body` to `port` at `path`; resolves on the status of the answer. */
function post(agent: Agent, port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A sendMessage as a bare client makes it: message `n` to its chat. */
const sendMessage = (api: URL, agent: Agent, n: number) =>
  post(agent, Number(api.port), `/bot${BOT_TOKEN}/sendMessage`, JSON.stringify({ chat_id: chatId(n), text: `<b>b${n}</b>\nnightly backup took 5 min, 1.2 GB`, parse_mode: 'HTML' }));

/** `n` sendMessage calls from a bare client, `concurrency` at a time: the fake's own ceiling here. */
async function bareRate(api: URL, n: number, concurrency: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await sendMessage(api, agent, 1_000_000 + next++);
    }),
  );
  agent.destroy();
  return (n * 1000) / (performance.now() - t0);
}

/** Paced POSTs (open loop: the schedule does not wait for answers); returns each one's latency. */
async function paced(count: number, rate: number, send: (i: number) => Promise<void>, arrived: Map<number, number>): Promise<number[]> {
  const sentAt = new Map<number, number>();
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / rate;
    while (performance.now() < due - 1) await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now() - 1)));
    sentAt.set(i, performance.now());
    inflight.push(send(i));
  }
  await Promise.all(inflight);
  await until(() => arrived.size >= count, 60_000, `${count} arrivals`);
  return [...sentAt].map(([i, t]) => arrived.get(i)! - t);
}

export async function deliveryBenches(opts: DeliverOptions, log: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-deliver-'));
  const out: string[] = [];
  // Which message arrived: its title is `b<n>`.
  let onArrive: (n: number, at: number) => void = () => {};
  const { fake, url } = await platform((text, at) => {
    const m = /\bb(\d+)\b/.exec(text);
    if (m) onArrive(Number(m[1]), at);
  });
  const api = new URL(url);
  try {
    // 1. Throughput: a backlog of due deliveries, spread over the chats, drained by a fresh process.
    const db = join(dir, 'drain.db');
    {
      log(`seeding ${opts.deliveries} due deliveries…`);
      const store = SqliteStore.open(db);
      const now = Date.now();
      for (let i = 0; i < opts.deliveries; i += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, opts.deliveries - i) }, (_, k) => {
            const n = i + k;
            const target = `telegram:${chatId(n)}`;
            return store.ingest({
              id: newEventId(now),
              source: 'report',
              notice: { source: 'report', format: 'report', event: 'report', level: 'info', title: `b${n}`, text: 'nightly backup took 5 min, 1.2 GB', time: new Date(now).toISOString(), vars: {} },
              deliveries: [{ bot: 'telegram', chat: String(chatId(n)), kind: 'group', target, silent: false }],
            });
          }),
        );
      }
      await store.close();
    }
    const drainRates: number[] = [];
    const drainCpu: number[] = [];
    {
      const arrived = new Set<number>();
      let first = 0;
      let last = 0;
      onArrive = (n, at) => {
        if (n >= opts.deliveries) return;
        if (arrived.size === 0) first = at;
        arrived.add(n);
        last = at;
      };
      const port = await freePort();
      const file = join(dir, 'drain.yaml');
      writeFileSync(file, config(port, db, url));
      const child = await startHookbot(file);
      const cpu0 = cpuMs(child.pid!);
      await until(() => arrived.size >= opts.deliveries, 600_000, 'the backlog to drain');
      const cpu = cpuMs(child.pid!) - cpu0;
      await stop(child);
      drainRates.push(((opts.deliveries - 1) * 1000) / (last - first));
      drainCpu.push((cpu * 1000) / opts.deliveries);
    }
    const bare = await bareRate(api, opts.deliveries, CONCURRENCY);
    log(`deliveries: ${drainRates[0]!.toFixed(0)}/s (${drainCpu[0]!.toFixed(0)} µs CPU each); bare client to the same fake ${bare.toFixed(0)}/s`);

    // 2. Latency at a steady rate to distinct chats, from the POST leaving here to the fake receiving it.
    const count = opts.rate * opts.seconds;
    const latency = async (): Promise<{ hookbot: number[]; bare: number[] }> => {
      const port = await freePort();
      const file = join(dir, 'latency.yaml');
      writeFileSync(file, config(port, join(dir, 'latency.db'), url));
      const child = await startHookbot(file);
      const agent = new Agent({ keepAlive: true });
      try {
        const arrived = new Map<number, number>();
        onArrive = (n, at) => arrived.set(n, at);
        const hookbot = await paced(
          count,
          opts.rate,
          async (i) => {
            const status = await post(agent, port, '/report', JSON.stringify({ token: TOKEN, title: `b${i}`, content: 'nightly backup took 5 min, 1.2 GB', send_to_group: `telegram:${chatId(i)}` }));
            if (status !== 202) throw new Error(`POST /report answered ${status}`);
          },
          arrived,
        );
        // Baseline: the same schedule straight to the fake, as sendMessage calls.
        const direct = new Map<number, number>();
        const base = 2_000_000;
        onArrive = (n, at) => void (n >= base && direct.set(n - base, at));
        const bare = await paced(count, opts.rate, async (i) => void (await sendMessage(api, agent, base + i)), direct);
        return { hookbot, bare };
      } finally {
        agent.destroy();
        await stop(child);
      }
    };
    const lat = await latency();
    const f1 = (n: number) => n.toFixed(1);
    log(`latency at ${opts.rate}/s: p50 ${f1(quantile(lat.hookbot, 0.5))} ms, p99 ${f1(quantile(lat.hookbot, 0.99))} ms; bare p50 ${f1(quantile(lat.bare, 0.5))} ms`);

    out.push(
      `## Delivery (${new Date().toISOString().slice(0, 10)})`,
      '',
      `Command: \`npm run build && npx tsx bench/deliver.ts --deliveries ${opts.deliveries} --rate ${opts.rate} --seconds ${opts.seconds}\` (also run by bench/wrk.ts) on ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end.`,
      `The platform: the tests' fake Telegram Bot API in the bench process, flood limits off; one bot, ${CHATS} groups, hookbot's Telegram limits raised out of the way; the worker at its default concurrency (${CONCURRENCY}).`,
      '',
      '| figure | hookbot | baseline (a bare client calling sendMessage on the same fake) | goal |',
      '|---|---|---|---|',
      `| deliveries per second, draining ${opts.deliveries} due deliveries (first to last received) | ${drainRates[0]!.toFixed(0)} (${drainCpu[0]!.toFixed(0)} µs of hookbot's CPU each) | ${bare.toFixed(0)} (${CONCURRENCY} at a time) | ≥ 2,000 |`,
      `| POST /report → received, p50, ${opts.rate} req/s to ${CHATS} chats for ${opts.seconds} s | ${f1(quantile(lat.hookbot, 0.5))} ms | ${f1(quantile(lat.bare, 0.5))} ms | < 5 ms |`,
      `| the same, p99 | ${f1(quantile(lat.hookbot, 0.99))} ms | ${f1(quantile(lat.bare, 0.99))} ms | < 25 ms |`,
      `| the same, max | ${f1(Math.max(...lat.hookbot))} ms | ${f1(Math.max(...lat.bare))} ms | |`,
      '',
    );
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name: string, def: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : def);
  const lines = await deliveryBenches({ deliveries: opt('deliveries', 10_000), rate: opt('rate', 100), seconds: opt('seconds', 10) });
  process.stdout.write(lines.join('\n') + '\n');
}

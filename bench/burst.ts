// The 2,000-connection burst alone, for comparing builds: hookbot's resident memory idle and at the
// peak of `wrk -c2000 -d5s` posting /report, the requests served and refused during it, then its
// CPU time per request at wrk -c50. Memory is the physical memory held, each page once
// (bench/resident.ts), with VmRSS beside it; with `--npm`, of everything `npm start` leaves running.
// Telegram, Discord and Slack are configured against their fakes, as in bench/wrk.ts.
// Usage: npm run build && npx tsx bench/burst.ts [--root <checkout with a built dist/>] [--rounds 3] [--concurrency N]
//   [--npm | --node-options "--max-semi-space-size=4 --no-wasm-tier-up --no-wasm-dynamic-tiering"]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../test/helpers/hookbot.js';
import { startPlatforms } from './platforms.js';
import { BODY, TOKEN, cpuMs, startChild, stop } from './process.js';
import { peakSampler, processTree, resident } from './resident.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : def);
const ROOT = resolve(opt('root', '.'));
const ROUNDS = Number(opt('rounds', '3'));
/** `--concurrency N`: server.webhookConcurrency (a build that knows the key). */
const CONCURRENCY = args.includes('--concurrency') ? `, webhookConcurrency: ${opt('concurrency', '64')}` : '';
/** `--npm`: through `npm start` in the root; otherwise node runs the bin with `--node-options` (by default those `npm start` passes). */
const NPM = args.includes('--npm');
const NODE_OPTIONS = opt('node-options', '--max-semi-space-size=4 --no-wasm-tier-up --no-wasm-dynamic-tiering').split(' ').filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'hookbot-burst-'));
const mb = (kb: number | null) => (kb === null ? '?' : (kb / 1024).toFixed(0));

/** wrk against /report, run asynchronously so this process can sample the server meanwhile. */
function wrk(port: number, connections: number, seconds: number): Promise<{ requests: number; non2xx: number; errors: string }> {
  return new Promise((done, fail) =>
    execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', 'bench/post.lua', `http://127.0.0.1:${port}/report`], { env: { ...process.env, BENCH_BODY: BODY }, encoding: 'utf8' }, (err, out) => {
      if (err) return fail(err);
      done({
        requests: Number(/(\d+) requests in/.exec(out)![1]),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        errors: /Socket errors: (.*)/.exec(out)?.[1] ?? 'none',
      });
    }),
  );
}

const platforms = await startPlatforms();
for (let r = 0; r < ROUNDS; r++) {
  const port = await freePort();
  const file = join(dir, `hookbot-${port}.yaml`);
  writeFileSync(file, `
server: { port: ${port}, host: 127.0.0.1${CONCURRENCY} }
store: { sqlite: "${join(dir, `burst-${r}.db`)}" }
log: { level: warn }
bots:
  console: { platform: console, limits: { bot: { count: 30, perMs: 1000 } } }
${platforms.bots}
sources:
  report: { format: report, token: ${TOKEN}, capture: 0 }
`);
  const env = { ...platforms.env, HOOKBOT_LOG_LEVEL: 'info' };
  const child = NPM ? await startChild('npm', ['start', '--silent', '--prefix', ROOT, '--', '-c', file], env) : await startChild(process.execPath, [...NODE_OPTIONS, join(ROOT, 'bin/hookbot.js'), 'start', '-c', file], env);
  await new Promise((res) => setTimeout(res, 1000));
  const pids = processTree(child.pid!);
  const idle = resident(pids);
  const hookbot = pids.at(-1)!;
  const sampler = peakSampler(child.pid!);
  const burst = await wrk(port, 2000, 5);
  const peak = sampler.stop().tree;
  const before = cpuMs(hookbot);
  const steady = await wrk(port, 50, 5);
  const cpuUs = ((cpuMs(hookbot) - before) * 1000) / steady.requests;
  await stop(child);
  console.log(`round ${r + 1}: idle ${mb(idle.unionKb)} MB (VmRSS ${mb(idle.rssKb)} MB), burst peak ${mb(peak.unionKb)} MB (VmRSS ${mb(peak.rssKb)} MB), burst ${burst.requests} requests (non-2xx ${burst.non2xx}, socket errors ${burst.errors}); c50: ${steady.requests} requests, ${cpuUs.toFixed(0)} µs CPU/req; load ${loadavg()[0]!.toFixed(2)}`);
}
await platforms.stop();
rmSync(dir, { recursive: true, force: true });

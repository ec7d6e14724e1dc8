// Several instances on one PostgreSQL, end to end (issue 11's figure): 5,000 reports with 2 targets
// each posted round-robin to three hookbot processes, delivered to the fake Telegram; the instance
// that owns the bot killed (kill -9) in the middle. Prints what was lost, doubled, reordered, the
// takeover time, and deliveries per second with one and with three instances.
//
// Usage: npx tsx bench/pg-scale.ts [--reports 5000] [--bot-rate 1000] [--streams 10]
//   PostgreSQL: the machine's own server (HOOKBOT_TEST_PG names another admin URL), as the tests.
//   --bot-rate: the bot's limit in messages a second, kept by hookbot and enforced by the fake
//   (Telegram's is 30; higher here so the figure is hookbot's, not the platform's).
import { cpus, loadavg } from 'node:os';
import { runScale, type ScaleResult } from '../test/helpers/scale.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : def);
const REPORTS = opt('reports', 5000);
const BOT_RATE = opt('bot-rate', 1000);
/** Senders posting at once, each one report at a time (more: a backlog builds, and delivery is what is measured). */
const STREAMS = opt('streams', 10);
const log = (s: string) => process.stderr.write(s + '\n');

const runs: [string, ScaleResult][] = [];
for (const [name, instances, killAt] of [
  ['1 instance', 1, 0],
  ['3 instances', 3, 0],
  ['3 instances, owner killed at 40%', 3, 0.4],
] as const) {
  log(`${name}…`);
  runs.push([name, await runScale({ reports: REPORTS, instances, killAt, botRate: BOT_RATE, streams: STREAMS, log: (s) => log('  ' + s), timeoutMs: 600_000 })]);
}
const f0 = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(0));
console.log(
  [
    `Command: \`npx tsx bench/pg-scale.ts --reports ${REPORTS} --bot-rate ${BOT_RATE} --streams ${STREAMS}\` on ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end.`,
    `${REPORTS} reports × 2 targets (${REPORTS * 2} deliveries) posted round-robin by ${STREAMS} senders, each one report at a time; the bot limited to ${BOT_RATE}/s, groups to 40/s.`,
    '',
    '| run | posting, s | post → all delivered, s | deliveries/s | lost | duplicates | sends in flight at the kill | takeover, ms | out of order | 409 | 429 |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(
      ([name, r]) =>
        `| ${name} | ${(r.postMs / 1000).toFixed(1)} | ${(r.totalMs / 1000).toFixed(1)} | ${f0(r.deliveriesPerSecond)} | ${r.lost} | ${r.duplicates} | ${r.inFlightAtKill} | ${f0(r.takeoverMs)} | ${r.outOfOrder.length} | ${r.conflicts409} | ${r.tooMany429} |`,
    ),
  ].join('\n'),
);

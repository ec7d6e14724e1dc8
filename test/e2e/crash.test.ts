// kill -9 with 1,000 accepted reports still pending, then a restart: every one is delivered
// exactly once per target, none lost.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

const TOKEN = 'e2e-crash-token-0123456789';
const N = 1000;
// The console bot writes to a file (once per delivery key); a rate limit keeps most deliveries
// pending when the process is killed: at 100 a second the 2,000 deliveries take 20 s, longer than
// posting the reports takes even on a loaded machine.
const CONFIG = `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  console:
    platform: console
    output: "{{dir}}/sent.jsonl"
    limits: { user: { count: 100, perMs: 1000 }, group: { count: 100, perMs: 1000 }, bot: { count: 100, perMs: 1000 } }
sources:
  report: { format: report, token: ${TOKEN} }
`;

function lines(dir: string): { key: string; target: string; text: string }[] {
  const file = join(dir, 'sent.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l));
}

async function until(cond: () => boolean, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20)); // polling a file: no event to wait on
  }
}

describe('crash safety', () => {
  let hb: RunningHookbot | undefined;
  afterAll(async () => {
    await hb?.kill();
  });

  it('delivers every accepted report exactly once per target across a kill -9', async () => {
    hb = await spawnHookbot({ config: CONFIG });
    const dir = hb.dir;
    let next = 0;
    const post = async () => {
      while (next < N) {
        const i = next++;
        const res = await hb!.post('/report', { token: TOKEN, title: `r${i}`, content: `n=${i};`, send_to: 'alice', send_to_group: 'ops' });
        expect(res.status).toBe(202);
      }
    };
    await Promise.all(Array.from({ length: 16 }, post));
    const before = lines(dir).length;
    expect(before).toBeLessThan(2 * N); // still pending when killed
    await hb.kill();

    hb = await spawnHookbot({ config: CONFIG, dir });
    await until(() => lines(dir).length >= 2 * N, 60_000, 'all deliveries after the restart');
    await hb.stop();
    hb = undefined;

    const sent = lines(dir);
    const seen = new Map<string, number>();
    for (const l of sent) {
      const i = /n=(\d+);/.exec(l.text)![1];
      const k = `${l.target}#${i}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    for (let i = 0; i < N; i++) {
      expect(seen.get(`console:alice#${i}`), `alice #${i}`).toBe(1);
      expect(seen.get(`console:ops#${i}`), `ops #${i}`).toBe(1);
    }
    expect(sent.length).toBe(2 * N);
  }, 120_000);
});

// A hookbot started in process (console bot writing to a file) with the `volcengine:` block
// pointed at the fake Volcengine OpenAPI.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHookbot, type Hookbot } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import { freePort } from '../helpers/hookbot.js';
import { FakeVolcengine } from '../fakes/volcengine/fake-volcengine.js';

export const API = 'api-token-0123456789abcdef';
export const AK = 'AKLTfakeAccessKey0001';
export const SK = 'fakeSecretAccessKey0001==';

export interface Harness {
  hb: Hookbot;
  fake: FakeVolcengine;
  dir: string;
  base: string;
  sent(): { target: string; text: string }[];
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  waitSent(test: (s: { target: string; text: string }[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(extraYaml = '', fakeOptions: ConstructorParameters<typeof FakeVolcengine>[0] = {}): Promise<Harness> {
  // Quick retries keep the tests short; a long answer timeout keeps a slow answer on a loaded
  // machine from passing for a refusal (the tests count every non-200).
  const fake = await new FakeVolcengine({ keys: { [AK]: SK }, retry: { timeoutMs: 20_000, quickDelayMs: 50, queueDelayMs: 200, windowMs: 10_000 }, ...fakeOptions }).start();
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-volc-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const file = join(dir, 'hookbot.yaml');
  writeFileSync(
    file,
    `server: { port: ${port}, host: 127.0.0.1, apiToken: ${API}, publicUrl: "${base}" }
store: { sqlite: "${dir}/h.db" }
bots:
  console: { platform: console, output: "${dir}/sent.jsonl" }
superusers: [console:ops]
volcengine: { accessKeyId: ${AK}, secretAccessKey: "${SK}", endpoint: "${fake.url}" }
${extraYaml}`,
  );
  const hb = await startHookbot({ configFile: file, env: {}, logger: createLogger(process.env['TEST_LOG'] ?? 'silent') });
  const sent = () => {
    const f = join(dir, 'sent.jsonl');
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  };
  return {
    hb,
    fake,
    dir,
    base,
    sent,
    async api(method, path, body) {
      const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    // Waits on the delivery the worker writes, polling the file it appends to.
    async waitSent(test, what, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!test(sent())) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; sent: ${JSON.stringify(sent())}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await hb.stop();
      await fake.stop();
    },
  };
}

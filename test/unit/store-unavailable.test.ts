// The store cannot commit → 503 (so the sender retries), and the process keeps serving.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHookbot } from '../../src/main.js';
import { createLogger } from '../../src/log.js';

describe('store unavailable', () => {
  it('answers 503 with Retry-After and keeps running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-503-'));
    const file = join(dir, 'hookbot.yaml');
    writeFileSync(file, `server: { port: 0, host: 127.0.0.1 }\nstore: { sqlite: "${dir}/h.db" }\nbots:\n  console: { platform: console, output: "${dir}/sent.jsonl" }\nsuperusers: [console:me]\nsources:\n  report: { format: report, token: token-0123456789abcdef }\n`);
    const hb = await startHookbot({ configFile: file, env: {}, logger: createLogger('silent') });
    const post = () =>
      fetch(`http://127.0.0.1:${hb.port}/report`, { method: 'POST', body: JSON.stringify({ token: 'token-0123456789abcdef', content: 'x' }) });
    try {
      expect((await post()).status).toBe(202);
      await hb.store.close(); // as if the disk went away
      const res = await post();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: string }).error).toMatch(/store is unavailable/);
      // /healthz names the store as soon as the worker has met it failing (its next look for work).
      const healthz = async () => {
        const r = await fetch(`http://127.0.0.1:${hb.port}/healthz`);
        return { status: r.status, body: (await r.json()) as { problems: { what: string; reason: string }[] } };
      };
      let h = await healthz();
      for (const end = Date.now() + 10_000; h.status !== 503 && Date.now() < end; ) h = await healthz();
      expect(h.status).toBe(503);
      expect(h.body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ what: 'store', reason: expect.stringMatching(/^cannot read due deliveries: /) })]));
      expect(h.body.problems.every((p) => p.what === 'store')).toBe(true);
    } finally {
      await hb.stop().catch(() => {});
    }
  });
});

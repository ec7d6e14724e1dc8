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
      // Health says so once the worker meets the failure (its next look at the store).
      let health: { status: number; body: { store?: { state: string; reason?: string } } } = { status: 0, body: {} };
      for (let i = 0; i < 400 && health.body.store?.state !== 'failing'; i++) {
        const h = await fetch(`http://127.0.0.1:${hb.port}/healthz`);
        health = { status: h.status, body: (await h.json()) as typeof health.body };
        if (health.body.store?.state !== 'failing') await new Promise((r) => setTimeout(r, 25)); // no event to wait on from outside
      }
      expect(health.status).toBe(503);
      expect(health.body.store?.reason).toMatch(/store is failing/);
      expect((await post()).status).toBe(503); // still serving
    } finally {
      await hb.stop().catch(() => {});
    }
  });
});

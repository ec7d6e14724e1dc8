// The mutes a notice is routed under are read once a second, not once per notice: notices that
// come while the read is under way share it, and a read that failed is not kept.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { formats } from '../../src/inbound/index.js';
import { Ingest } from '../../src/ingest.js';
import { prepare } from '../../src/main.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Mute } from '../../src/store/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-mutes-'));
  dirs.push(dir);
  const file = join(dir, 'hookbot.yaml');
  writeFileSync(file, 'bots:\n  ops: { platform: console }\nsources:\n  bgi: { format: report, token: "0123456789abcdef0123", to_group: ["ops:room"] }\n');
  const logger = pino({ level: 'silent' });
  const clock = new ManualClock(1_000_000);
  const { config, router } = await prepare(file, {}, clock, logger);
  const store = SqliteStore.open(':memory:', { clock });
  // Each read of the mutes waits until the test lets it finish (or fail).
  const reads: { resolve: (m: Mute[]) => void; reject: (e: Error) => void }[] = [];
  store.activeMutes = () => new Promise<Mute[]>((resolve, reject) => reads.push({ resolve, reject }));
  const ingest = new Ingest({ config, formats, router, store, guards: new Map(), clock, logger });
  const notice = { source: 'bgi', format: 'report', event: 'e', level: 'info' as const, text: 'x', time: '', vars: {} };
  const settle = () => new Promise((r) => setImmediate(r));
  return { ingest, clock, reads, commit: () => ingest.commit({ ...notice }, undefined), settle };
}

describe('Ingest: the mutes in force', () => {
  it('notices that come while the mutes are read share that read', async () => {
    const { reads, commit, settle } = await start();
    const answers = Promise.all(Array.from({ length: 20 }, commit));
    await settle();
    expect(reads.length).toBe(1);
    reads[0]!.resolve([{ id: 1, pattern: 'bgi', until: 2_000_000, by: 't', createdAt: 0 }]);
    expect((await answers).map((a) => a.deliveries[0]!.state)).toEqual(Array(20).fill('muted'));
  });

  it('reads them again a second later, or at once after a change or a failed read', async () => {
    const { ingest, clock, reads, commit, settle } = await start();
    const first = commit();
    await settle();
    reads[0]!.resolve([]);
    await first;
    await commit();
    expect(reads.length).toBe(1);
    clock.advance(1001);
    const second = commit();
    await settle();
    expect(reads.length).toBe(2);
    reads[1]!.reject(new Error('store away'));
    await expect(second).rejects.toThrow('store away');
    const third = commit();
    await settle();
    expect(reads.length).toBe(3);
    reads[2]!.resolve([]);
    await third;
    ingest.mutesChanged();
    void commit();
    await settle();
    expect(reads.length).toBe(4);
    reads[3]!.resolve([]);
  });
});

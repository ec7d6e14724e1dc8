import { describe, it, expect, afterEach } from 'vitest';
import { Command } from 'commander';
import { ManualClock } from '../../src/clock.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Capture } from '../../src/store/store.js';
import { registerReplay, runReplay, type ReplayDeps } from '../../src/replay.js';

const stores: SqliteStore[] = [];
afterEach(async () => {
  while (stores.length) await stores.pop()!.close();
});

async function storeWith(source: string, bodies: string[], keep = 20): Promise<SqliteStore> {
  const store = SqliteStore.open(':memory:', { clock: new ManualClock(0) });
  stores.push(store);
  let at = Date.UTC(2026, 0, 1);
  for (const body of bodies) {
    await store.capture({ source, at: (at += 1000), headers: { 'content-type': 'application/json' }, query: {}, body, outcome: 'accepted evt_x' }, keep);
  }
  return store;
}

/** A pipeline stand-in that "renders" the body's title and refuses bodies without one. */
function pipeline(store: SqliteStore, sources = ['bgi', 'onelive']) {
  const calls: { source: string; body: string; dryRun: boolean }[] = [];
  const deps: ReplayDeps = {
    store,
    sources,
    async ingestCaptured(source: string, c: Capture, dryRun: boolean) {
      calls.push({ source, body: c.body, dryRun });
      const title = (JSON.parse(c.body) as { title?: string }).title;
      if (!title) throw new Error('400 body.title: required');
      return dryRun ? `would send: **${title}**\nto console:stdout` : `accepted evt_${title}`;
    },
  };
  return { deps, calls };
}

describe('runReplay', () => {
  it('replays the last n captures oldest first, passing --dry-run through, and shows each result', async () => {
    const store = await storeWith('bgi', ['{"title":"one"}', '{"title":"two"}', '{"title":"three"}', '{"title":"four"}']);
    const { deps, calls } = pipeline(store);
    const lines: string[] = [];
    const r = await runReplay(deps, { source: 'bgi', n: 3, dryRun: true, out: (l) => lines.push(l) });
    expect(r).toEqual({ replayed: 3, failed: 0 });
    expect(calls.map((c) => c.body)).toEqual(['{"title":"two"}', '{"title":"three"}', '{"title":"four"}']);
    expect(calls.every((c) => c.dryRun && c.source === 'bgi')).toBe(true);
    expect(lines[0]).toMatch(/^#\d+ from 2026-01-01T00:00:02\.000Z \(first time: accepted evt_x\)$/);
    expect(lines[1]).toBe('  would send: **two**\n  to console:stdout');
    expect(lines.at(-1)).toBe("replayed 3 of 3 payloads of 'bgi' (dry run: nothing was stored or sent)");
  });

  it('goes on after a payload that is refused, and counts it', async () => {
    const store = await storeWith('bgi', ['{"title":"a"}', '{"nope":1}', '{"title":"c"}']);
    const { deps, calls } = pipeline(store);
    const lines: string[] = [];
    const r = await runReplay(deps, { source: 'bgi', n: 10, dryRun: false, out: (l) => lines.push(l) });
    expect(r).toEqual({ replayed: 2, failed: 1 });
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => !c.dryRun)).toBe(true);
    expect(lines).toContain('  failed: 400 body.title: required');
    expect(lines.at(-1)).toBe("replayed 2 of 3 payloads of 'bgi'");
  });

  it('only replays captures of the source asked for', async () => {
    const store = await storeWith('bgi', ['{"title":"bgi"}']);
    await store.capture({ source: 'onelive', at: 5, headers: {}, query: {}, body: '{"title":"live"}', outcome: 'accepted' }, 20);
    const { deps, calls } = pipeline(store);
    await runReplay(deps, { source: 'onelive', n: 5, dryRun: true, out: () => {} });
    expect(calls.map((c) => c.body)).toEqual(['{"title":"live"}']);
  });

  it('says so when a source has captured nothing', async () => {
    const store = await storeWith('bgi', []);
    const { deps, calls } = pipeline(store);
    const lines: string[] = [];
    expect(await runReplay(deps, { source: 'onelive', n: 1, dryRun: true, out: (l) => lines.push(l) })).toEqual({ replayed: 0, failed: 0 });
    expect(calls).toHaveLength(0);
    expect(lines).toEqual(["no captured payloads for source 'onelive': post one to it first (and check its 'capture' option is not 0)"]);
  });

  it.each([
    ['an unknown source', { source: 'bgii', n: 1 }, "no source 'bgii' is configured (have: bgi, onelive)"],
    ['n of 0', { source: 'bgi', n: 0 }, 'n must be a whole number from 1 to 1000'],
    ['n too large', { source: 'bgi', n: 5000 }, 'n must be a whole number from 1 to 1000'],
  ])('refuses %s', async (_what, o, message) => {
    const { deps } = pipeline(await storeWith('bgi', ['{"title":"a"}']));
    await expect(runReplay(deps, { ...o, dryRun: true, out: () => {} })).rejects.toThrow(message);
  });
});

describe('hookbot replay (command line)', () => {
  async function run(args: string[], store: SqliteStore) {
    const { deps, calls } = pipeline(store);
    const opened: (string | undefined)[] = [];
    let closed = 0;
    let written = '';
    const program = new Command().exitOverride();
    registerReplay(
      program,
      async (file) => {
        opened.push(file);
        return { ...deps, close: async () => void closed++ };
      },
      (s) => (written += s),
    );
    const before = process.exitCode;
    await program.parseAsync(['replay', ...args], { from: 'user' });
    const exitCode = process.exitCode;
    process.exitCode = before;
    return { calls, opened, closed, written, exitCode };
  }

  it('parses <source> [n] --dry-run -c and closes what it opened', async () => {
    const store = await storeWith('bgi', ['{"title":"a"}', '{"title":"b"}']);
    const r = await run(['bgi', '2', '--dry-run', '-c', 'my.yaml'], store);
    expect(r.opened).toEqual(['my.yaml']);
    expect(r.closed).toBe(1);
    expect(r.calls.map((c) => [c.body, c.dryRun])).toEqual([['{"title":"a"}', true], ['{"title":"b"}', true]]);
    expect(r.written).toContain("replayed 2 of 2 payloads of 'bgi' (dry run");
    expect(r.exitCode ?? 0).toBe(0);
  });

  it('replays the latest one by default, for real without --dry-run', async () => {
    const store = await storeWith('bgi', ['{"title":"a"}', '{"title":"b"}']);
    const r = await run(['bgi'], store);
    expect(r.calls.map((c) => [c.body, c.dryRun])).toEqual([['{"title":"b"}', false]]);
  });

  it('exits 1 when a payload failed, and refuses a bad n before opening anything', async () => {
    const store = await storeWith('bgi', ['{"x":1}']);
    expect((await run(['bgi'], store)).exitCode).toBe(1);
    const bad = await run(['bgi', 'lots'], store);
    expect(bad.exitCode).toBe(1);
    expect(bad.opened).toEqual([]);
  });
});

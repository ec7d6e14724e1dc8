// The command plane wired to the real pipeline (router, ingest, SQLite store, worker, console bot),
// the way main.ts wires it: /test delivers, /mute makes later notices `muted`, /retry re-sends.
import { newEventId } from '../../src/event-id.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatCommand } from '../../src/bot.js';
import { systemClock } from '../../src/clock.js';
import { createCommandPlane } from '../../src/commands/plane.js';
import { formats } from '../../src/inbound/index.js';
import { Ingest } from '../../src/ingest.js';
import { prepare } from '../../src/main.js';
import { RateLimiter } from '../../src/ratelimit.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { Worker } from '../../src/worker.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor<T>(what: string, f: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function start(beforeWorker?: (store: SqliteStore) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-cmd-'));
  const out = join(dir, 'out.jsonl');
  const file = join(dir, 'hookbot.yaml');
  writeFileSync(
    file,
    `
bots:
  ops: { platform: console, output: ${JSON.stringify(out)}, admins: ["42"] }
sources:
  bgi: { format: report, token: "0123456789abcdef0123", to_group: ["ops:room"] }
worker: { pollMs: 20, baseDelayMs: 10 }
`,
  );
  const logger = pino({ level: 'silent' });
  const clock = systemClock;
  const { config, bots, router, renderer } = await prepare(file, {}, clock, logger);
  const store = SqliteStore.open(':memory:', { clock });
  const ingest = new Ingest({ config, formats, router, store, guards: new Map(), clock, logger });
  const limiter = new RateLimiter(() => ({}), clock);
  const worker = new Worker({ store, bots, renderer, limiter, clock, logger, localeOf: () => 'en', options: config.worker });
  const plane = createCommandPlane({ config, store, bots, submit: (n, t) => ingest.commit(n, undefined, t), clock, logger, version: 't', startedAt: clock.now() });
  for (const [id, bot] of bots) await bot.start({ onCommand: plane.handle, commands: () => plane.commandsFor(id), mount: () => {} });
  await beforeWorker?.(store);
  await worker.start();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  cleanups.push(async () => {
    await worker.stop();
    for (const b of bots.values()) await b.stop();
  });
  const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { target: string; kind: string; text: string }) : []);
  const ask = (name: string, args = '', userId = '42'): Promise<{ text: string } | undefined> =>
    plane.handle({ bot: 'ops', platform: 'console', name, args, user: { id: userId, name: 'alice' }, chat: { id: 'room', kind: 'group' } } satisfies ChatCommand);
  return { plane, store, ingest, lines, ask, config };
}

describe('commands through the real pipeline', () => {
  it('/test from an admin delivers a test message to this chat', async () => {
    const { ask, lines } = await start();
    const r = await ask('test');
    expect(r?.text).toMatch(/^Test notification `evt_[0-9a-z]+` queued:\n• `ops:room` — pending/);
    const sent = await waitFor('the test message', () => lines().find((l) => l.text.includes('test notification')));
    expect(sent).toMatchObject({ target: 'ops:room', kind: 'group' });
  });

  it('/test with a bad target answers the router\'s reason and stores nothing', async () => {
    const { ask, store } = await start();
    const r = await ask('test', 'nobot:1');
    expect(r?.text).toMatch(/^Could not send the test notification: .*nobot/);
    expect(await store.recentEvents(5)).toEqual([]);
  });

  it('/mute makes later notices of that source muted (recorded, not sent); /unmute ends it', async () => {
    const { ask, ingest, store } = await start();
    expect((await ask('mute', 'bgi 1h'))?.text).toMatch(/^Muted `bgi` for 1 h/);
    const n = { source: 'bgi', format: 'report', event: 'domain.end', level: 'info' as const, text: 'done', time: new Date().toISOString(), vars: {} };
    const muted = await ingest.commit(n, undefined);
    expect(muted.deliveries).toEqual([expect.objectContaining({ target: 'ops:room', state: 'muted' })]);
    expect((await store.countByState()).muted).toBe(1);
    await ask('unmute', 'bgi');
    ingest.mutesChanged(); // main.ts does this after mute/unmute
    const after = await ingest.commit(n, undefined);
    expect(after.deliveries[0]?.state).toBe('pending');
  });

  it('/retry sends a dead delivery again', async () => {
    let id = 0;
    // A delivery that died before this run (as a bad chat would), so the worker has nothing to send.
    const { ask, store, lines } = await start(async (store) => {
      const n = { source: 'bgi', format: 'report', event: 'x', level: 'info' as const, text: 'retry me', time: new Date().toISOString(), vars: {} };
      const a = await store.ingest({ id: newEventId(Date.now()), source: 'bgi', notice: n, deliveries: [{ bot: 'ops', chat: 'room', kind: 'group', target: 'ops:room', silent: false }] });
      id = a.deliveries[0]!.id;
      const [claimed] = await store.claimDue(Date.now(), 10, ['ops']);
      await store.markDead(claimed!, 'chat not found', Date.now());
    });
    expect((await ask('failed'))?.text).toContain('chat not found');
    expect(lines().some((l) => l.text.includes('retry me'))).toBe(false);
    expect((await ask('retry', String(id)))?.text).toBe(`Retrying delivery #${id}.`);
    await waitFor('the retried message', () => lines().find((l) => l.text.includes('retry me')));
    // The ack is committed with the next group commit, just after the send.
    await waitFor('the delivery marked sent', async () => ((await store.getDelivery(id))?.state === 'sent' ? true : undefined));
  });
});

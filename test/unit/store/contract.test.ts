// One contract, every store: the in-process SQLite store and the same store on its own thread.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { ThreadedStore } from '../../../src/store/threaded.js';
import type { IngestRequest, Store } from '../../../src/store/store.js';

const stores: [string, (file: string) => Promise<Store>][] = [
  ['sqlite', async (file) => SqliteStore.open(file)],
  ['sqlite on its own thread', (file) => ThreadedStore.open(file)],
];

const req = (text: string, chats: string[], dedupKey?: string): IngestRequest => ({
  source: 'src',
  dedupKey,
  notice: { source: 'src', format: 'report', event: 'e', level: 'info', time: '', text, vars: {} },
  deliveries: chats.map((chat) => ({ bot: 'b', chat, kind: 'group' as const, target: `b:${chat}`, silent: false })),
});

describe.each(stores)('Store contract: %s', (_name, open) => {
  let store: Store;
  const fresh = async () => (store = await open(join(mkdtempSync(join(tmpdir(), 'hookbot-store-')), 'h.db')));
  afterEach(async () => {
    await store?.close();
  });

  it('commits an event with its deliveries and gives a repeat the first answer', async () => {
    await fresh();
    const [a, b] = await Promise.all([store.ingest(req('x', ['c1', 'c2'], 'k1')), store.ingest(req('x', ['c1', 'c2'], 'k1'))]);
    expect(a.duplicate).toBe(false);
    expect(b).toEqual({ ...a, duplicate: true });
    const again = await store.ingest(req('y', ['c9'], 'k1'));
    expect(again.id).toBe(a.id);
    expect((await store.getNotice(a.id))?.text).toBe('x');
    expect((await store.deliveriesOf(a.id)).map((d) => d.target)).toEqual(['b:c1', 'b:c2']);
  });

  it('a failing ingest in a group commit is refused whole and undoes none of the others', async () => {
    await fresh();
    const bad = req('bad', ['c1', 'c2']);
    (bad.deliveries[1] as { bot: unknown }).bot = null; // NOT NULL: fails after c1's row was written
    const [a, b, c] = await Promise.allSettled([store.ingest(req('a', ['c1'])), store.ingest(bad), store.ingest(req('c', ['c3']))]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(c.status).toBe('fulfilled');
    // c1 from `a`, c3 from `c`; nothing of the refused event.
    expect((await store.countByState()).pending).toBe(2);
    expect((await store.recentEvents(10)).length).toBe(2);
  });

  it('claims one delivery per chat, oldest first, and keeps order through retries', async () => {
    await fresh();
    const first = await store.ingest(req('1', ['a', 'b']));
    await store.ingest(req('2', ['a']));
    const now = Date.now() + 1000;
    const claimed = await store.claimDue(now, 10, []);
    expect(claimed.map((d) => d.chat).sort()).toEqual(['a', 'b']);
    expect(await store.claimDue(now, 10, [])).toEqual([]);
    const a1 = first.deliveries[0]!.id;
    await store.markRetry(a1, now + 5000, 'busy', now);
    expect(await store.claimDue(now, 10, [])).toEqual([]); // 'a' waits for its head, '2' stays behind it
    await store.markSent(claimed.find((d) => d.chat === 'b')!.id, now);
    const later = await store.claimDue(now + 5000, 10, []);
    expect(later.map((d) => d.id)).toEqual([a1]);
    expect(await store.claimDue(now + 5000, 10, ['b'])).toEqual([]);
  });

  it('claims a probe for one bot: the head due soonest, due or not, one per chat', async () => {
    await fresh();
    const a = await store.ingest(req('1', ['a']));
    await store.ingest(req('2', ['a']));
    const b = await store.ingest(req('3', ['b']));
    const now = Date.now();
    // Both heads wait for retries, b's sooner: the probe takes b's though it is not due.
    await store.claimDue(now + 1000, 10, []);
    await store.markRetry(a.deliveries[0]!.id, now + 60_000, 'down', now);
    await store.markRetry(b.deliveries[0]!.id, now + 30_000, 'down', now);
    expect(await store.claimDue(now, 10, [])).toEqual([]);
    const probe = await store.claimProbe('b', now);
    expect(probe).toMatchObject({ id: b.deliveries[0]!.id, state: 'sending', nextAt: now + 30_000 });
    expect((await store.claimProbe('b', now))?.id).toBe(a.deliveries[0]!.id); // the other chat's head; never '2' behind it
    expect(await store.claimProbe('b', now)).toBeUndefined();
    expect(await store.claimProbe('other', now)).toBeUndefined();
  });

  it('releases held deliveries: those still pending and waiting become due now, attempts kept', async () => {
    await fresh();
    const { deliveries } = await store.ingest(req('1', ['a', 'b', 'c']));
    const [a, b, c] = deliveries.map((d) => d.id) as [number, number, number];
    const now = Date.now();
    await store.claimDue(now + 1000, 10, []);
    await store.markRetry(a, now + 60_000, 'down', now);
    await store.markSent(b, now);
    await store.markDead(c, 'gone', now);
    expect(await store.releaseHeld([a, b, c], now + 10)).toBe(1);
    expect(await store.getDelivery(a)).toMatchObject({ state: 'pending', nextAt: now + 10, attempts: 1 });
    expect(await store.getDelivery(b)).toMatchObject({ state: 'sent' });
    expect(await store.getDelivery(c)).toMatchObject({ state: 'dead' });
    expect(await store.releaseHeld([], now)).toBe(0);
  });

  it('dead-letters, lists and retries; counts by state', async () => {
    await fresh();
    const { deliveries } = await store.ingest(req('x', ['a']));
    const id = deliveries[0]!.id;
    await store.claimDue(Date.now() + 1000, 10, []);
    await store.markDead(id, 'chat not found', Date.now());
    expect((await store.failed(10)).map((d) => [d.id, d.lastError])).toEqual([[id, 'chat not found']]);
    expect((await store.countByState()).dead).toBe(1);
    expect(await store.retry(id, Date.now())).toBe(1);
    expect((await store.getDelivery(id))?.state).toBe('pending');
  });

  it('recovers deliveries left in flight', async () => {
    await fresh();
    await store.ingest(req('x', ['a']));
    expect(await store.claimDue(Date.now() + 1000, 10, [])).toHaveLength(1);
    expect(await store.recoverInflight(Date.now())).toBe(1);
  });

  it('prunes finished events before a time, oldest first, and never one with work pending', async () => {
    await fresh();
    const sent = await store.ingest(req('sent', ['a']));
    const pending = await store.ingest(req('pending', ['b']));
    const dead = await store.ingest(req('dead', ['c']));
    const muted = await store.ingest({ ...req('muted', ['d']), deliveries: [{ bot: 'b', chat: 'd', kind: 'group', target: 'b:d', silent: false, muted: 'x' }] });
    const now = Date.now();
    await store.markSent(sent.deliveries[0]!.id, now);
    await store.markDead(dead.deliveries[0]!.id, 'chat not found', now);
    await store.audit({ at: now - 10, bot: 'b', user: 'u', chat: 'c', command: 'status', args: '', outcome: 'ok' });
    expect(await store.prune(now - 60_000, 10)).toBe(0); // nothing that old
    expect(await store.prune(now + 1000, 1)).toBe(1); // at most `limit`, the oldest first
    expect(await store.getNotice(sent.id)).toBeUndefined();
    expect(await store.prune(now + 1000, 10)).toBe(2);
    expect((await store.recentEvents(10)).map((e) => e.id)).toEqual([pending.id]);
    expect(await store.deliveriesOf(dead.id)).toEqual([]);
    expect(await store.deliveriesOf(muted.id)).toEqual([]);
    expect(await store.countByState()).toMatchObject({ pending: 1, sent: 0, dead: 0, muted: 0 });
    expect(await store.auditLog(10)).toEqual([]);
    expect((await store.claimDue(now + 1000, 10, [])).map((d) => d.chat)).toEqual(['b']);
  });

  it('keeps mutes, the audit log, captures and chat moves', async () => {
    await fresh();
    const now = Date.now();
    await store.addMute({ pattern: 'live_*', until: now + 60_000, by: 'u', createdAt: now });
    expect((await store.activeMutes(now)).map((m) => m.pattern)).toEqual(['live_*']);
    expect(await store.removeMutes('live_*')).toBe(1);
    await store.audit({ at: now, bot: 'b', user: 'u', chat: 'c', command: 'mute', args: 'x 1h', outcome: 'refused' });
    expect((await store.auditLog(5))[0]).toMatchObject({ command: 'mute', outcome: 'refused' });
    for (let i = 0; i < 4; i++) await store.capture({ source: 'src', at: now + i, headers: {}, query: {}, body: `{"n":${i}}`, outcome: 'ok' }, 3);
    expect((await store.captures('src', 10)).map((c) => c.body)).toEqual(['{"n":3}', '{"n":2}', '{"n":1}']);
    await store.ingest(req('x', ['old']));
    await store.setChatMove('b', 'old', 'new');
    expect(await store.chatMoves('b')).toEqual({ old: 'new' });
    expect((await store.claimDue(Date.now() + 1000, 10, [])).map((d) => d.chat)).toEqual(['new']);
  });
});

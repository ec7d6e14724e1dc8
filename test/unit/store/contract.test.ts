// One contract, every store: SQLite and PostgreSQL. Two
// handles on one database stand for two instances.
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { storeFactories, req } from './factories.js';


describe.each(await storeFactories())('Store contract: %s', (_name, factory) => {
  let store: Store;
  let db: Awaited<ReturnType<typeof factory>> | undefined;
  const handles: Store[] = [];
  /** A fresh database, and a handle on it for instance `i1`. */
  const fresh = async () => {
    db = await factory();
    store = await db.open('i1');
    handles.push(store);
    return store;
  };
  /** Another handle on the same database: another instance. */
  const second = async (instance = 'i2') => {
    const h = await db!.open(instance);
    handles.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.close().catch(() => {});
    await db?.drop();
    db = undefined;
  });

  it('commits an event with its deliveries and gives a repeat the first answer', async () => {
    await fresh();
    const [a, b] = await Promise.all([store.ingest(req('x', ['c1', 'c2'], 'k1')), store.ingest(req('x', ['c1', 'c2'], 'k1'))]);
    expect(a.duplicate).toBe(false);
    expect(b).toEqual({ ...a, duplicate: true });
    const again = await store.ingest(req('y', ['c9'], 'k1'));
    expect(a.id).toMatch(/^evt_/);
    expect(again.id).toBe(a.id);
    expect((await store.getNotice(a.id))?.text).toBe('x');
    expect((await store.deliveriesOf(a.id)).map((d) => d.target)).toEqual(['b:c1', 'b:c2']);
  });

  it('answers each delivery of an event with its own id, for an event to many targets too, muted ones included', async () => {
    await fresh();
    const chats = Array.from({ length: 70 }, (_, i) => `c${i}`);
    const many = req('many', chats);
    for (const i of [0, 33, 69]) many.deliveries[i]!.muted = 'x*';
    const [one, a] = await Promise.all([store.ingest(req('one', ['c1'])), store.ingest(many)]);
    const stored = await store.deliveriesOf(a.id);
    expect(stored.map((d) => ({ id: d.id, target: d.target, state: d.state }))).toEqual(a.deliveries);
    expect(a.deliveries.map((d) => d.target)).toEqual(chats.map((c) => `b:${c}`));
    expect(a.deliveries.filter((d) => d.state === 'muted').map((d) => d.target)).toEqual(['b:c0', 'b:c33', 'b:c69']);
    expect((await store.deliveriesOf(one.id)).map((d) => d.id)).toEqual([one.deliveries[0]!.id]);
    expect((await store.countByState()).pending).toBe(68);
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
    const claimed = await store.claimDue(now, 10, ['b']);
    expect(claimed.map((d) => d.chat).sort()).toEqual(['a', 'b']);
    // Each claim brings its event's notice: sending it needs nothing more from the store.
    expect(claimed.map((d) => d.notice)).toEqual([1, 2].map(() => expect.objectContaining({ id: first.id, text: '1' })));
    expect(await store.claimDue(now, 10, ['b'])).toEqual([]);
    const a1 = claimed.find((d) => d.chat === 'a')!;
    expect(a1.id).toBe(first.deliveries[0]!.id);
    expect(await store.markRetry(a1, now + 5000, 'busy', now)).toBe(true);
    expect(await store.claimDue(now, 10, ['b'])).toEqual([]); // 'a' waits for its head, '2' stays behind it
    expect(await store.markSent(claimed.find((d) => d.chat === 'b')!, now)).toBe(true);
    const later = await store.claimDue(now + 5000, 10, ['b']);
    expect(later.map((d) => d.id)).toEqual([a1.id]);
    expect(later[0]!.notice?.text).toBe('1');
    expect(later[0]!.attempts).toBe(1);
    expect(await store.claimDue(now + 5000, 10, ['other'])).toEqual([]);
  });

  it('gives two instances disjoint claims, and a chat never two deliveries in flight', async () => {
    await fresh();
    const other = await second();
    for (let i = 0; i < 30; i++) await store.ingest(req(String(i), [`c${i % 10}`]));
    const now = Date.now() + 1000;
    const [a, b] = await Promise.all([store.claimDue(now, 10, ['b']), other.claimDue(now, 10, ['b'])]);
    const ids = [...a, ...b].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const chats = [...a, ...b].map((d) => d.chat);
    expect(new Set(chats).size).toBe(chats.length);
    expect(chats.length).toBe(10);
    expect(a.every((d) => d.claim && d.leaseUntil === now + 60_000)).toBe(true);
    expect(await other.claimDue(now, 10, ['b'])).toEqual([]);
  });

  it('records an outcome only under a live claim: a stale owner is refused once the claim was taken again', async () => {
    await fresh();
    const other = await second();
    const { deliveries } = await store.ingest(req('x', ['a']));
    const now = Date.now();
    const [mine] = await store.claimDue(now, 10, ['b'], 1000);
    expect(mine!.id).toBe(deliveries[0]!.id);
    // Not expired yet: the other instance leaves it alone.
    expect(await other.releaseClaims(now + 500)).toBe(0);
    expect(await other.claimDue(now + 500, 10, ['b'])).toEqual([]);
    // Expired: released, and claimed by the other instance.
    expect(await other.releaseClaims(now + 1001)).toBe(1);
    const [theirs] = await other.claimDue(now + 1001, 10, ['b']);
    expect(theirs!.id).toBe(mine!.id);
    expect(await store.markSent(mine!, now + 1002)).toBe(false);
    expect(await store.markRetry(mine!, now, 'late', now + 1002)).toBe(false);
    expect(await store.markDead(mine!, 'late', now + 1002)).toBe(false);
    expect((await store.getDelivery(mine!.id))!.state).toBe('sending');
    expect(await other.markSent(theirs!, now + 1003)).toBe(true);
    expect((await store.getDelivery(mine!.id))!).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('renews the leases of claims still held, and releases only expired claims or those of dead instances', async () => {
    await fresh();
    const other = await second();
    await store.ingest(req('x', ['a', 'b', 'c']));
    const now = Date.now();
    const claims = await store.claimDue(now, 3, ['b'], 1000);
    expect(claims).toHaveLength(3);
    expect(await store.renewClaims([claims[0]!.claim], now + 5000)).toBe(1);
    expect(await store.claimHolders()).toEqual(['i1']);
    expect(await other.releaseClaims(now + 2000)).toBe(2);
    expect(await other.releaseClaims(now + 2000, { deadOwners: ['i3'] })).toBe(0);
    expect(await other.releaseClaims(now + 2000, { deadOwners: ['i1'] })).toBe(1);
    expect(await store.openBots()).toEqual(['b']);
    // An instance's own claims go back at a clean stop.
    const again = await store.claimDue(now + 2000, 3, ['b']);
    expect(again).toHaveLength(3);
    expect(await other.releaseClaims(now + 2000, { own: true })).toBe(0);
    expect(await store.releaseClaims(now + 2000, { own: true })).toBe(3);
  });

  it('lets one instance own a bot at a time; a released or expired bot is taken by another', async () => {
    await fresh();
    const other = await second();
    const now = Date.now();
    expect(await store.acquireBots(['tg', 'dc'], now, now + 10_000)).toEqual(['tg', 'dc']);
    expect(await other.acquireBots(['tg', 'dc', 'sl'], now + 1, now + 10_001)).toEqual(['sl']);
    // Renewal by the owner keeps it (and its `since`).
    expect(await store.acquireBots(['tg', 'dc'], now + 5000, now + 15_000)).toEqual(['tg', 'dc']);
    expect(await other.acquireBots(['tg'], now + 12_000, now + 22_000)).toEqual([]);
    await store.releaseBots(['dc']);
    expect(await other.acquireBots(['dc'], now + 12_000, now + 22_000)).toEqual(['dc']);
    // Expired: taken.
    expect(await other.acquireBots(['tg'], now + 15_001, now + 25_000)).toEqual(['tg']);
    expect(await store.acquireBots(['tg'], now + 15_002, now + 25_000)).toEqual([]);
    // A known-dead owner's bot is taken at once, but only from that owner.
    expect(await store.takeBot('tg', 'i9', now + 15_003, now + 25_000)).toBe(false);
    expect(await store.takeBot('tg', 'i2', now + 15_003, now + 25_000)).toBe(true);
    const owners = await other.botOwners();
    expect(owners.map((o) => [o.bot, o.owner])).toEqual([
      ['dc', 'i2'],
      ['sl', 'i2'],
      ['tg', 'i1'],
    ]);
    expect(owners.find((o) => o.bot === 'tg')).toMatchObject({ since: now + 15_003, expiresAt: now + 25_000 });
  });

  it('claims only the head of each chat, in order, through sends, retries, dead letters and releases', async () => {
    await fresh();
    const other = await second();
    // Three chats, four deliveries each, ingested interleaved.
    const ids: Record<string, number[]> = { a: [], b: [], c: [] };
    for (let i = 0; i < 4; i++)
      for (const ch of ['a', 'b', 'c']) ids[ch]!.push((await store.ingest(req(`${ch}${i}`, [ch]))).deliveries[0]!.id);
    const open = new Set(Object.values(ids).flat());
    const headOf = (ch: string) => ids[ch]!.find((id) => open.has(id));
    const sent: Record<string, number[]> = { a: [], b: [], c: [] };
    let now = Date.now() + 1000;
    // Both handles claim in turn; every outcome is given by the one that holds the claim.
    for (let round = 0; open.size && round < 40; round++) {
      const h = round % 2 ? other : store;
      const claimed = await h.claimDue(now, 10, ['b']);
      let unrecorded = 0;
      expect(new Set(claimed.map((d) => d.chat)).size).toBe(claimed.length);
      // A chat is blocked while its head is being sent, for either handle.
      expect(await (round % 2 ? store : other).claimDue(now, 10, ['b'])).toEqual([]);
      for (const d of claimed) {
        expect(d.id).toBe(headOf(d.chat)); // only ever the oldest undelivered delivery of its chat
        const k = (d.id + round) % 4;
        if (k === 0) {
          // Not sent: back as the head, due later; nothing behind it may pass it meanwhile.
          expect(await h.markRetry(d, now + 500, 'busy', now)).toBe(true);
          expect((await h.claimDue(now + 499, 10, ['b'])).map((x) => x.chat)).not.toContain(d.chat);
        } else if (k === 1) {
          expect(await h.markDead(d, 'gone', now)).toBe(true);
          open.delete(d.id);
        } else if (k === 2) {
          unrecorded++;
        } else {
          expect(await h.markSent(d, now)).toBe(true);
          sent[d.chat]!.push(d.id);
          open.delete(d.id);
        }
      }
      // The holder died with claims unrecorded: they are released, and the same heads claimed again.
      if (unrecorded) expect(await (round % 2 ? store : other).releaseClaims(now, { deadOwners: [h.instance] })).toBe(unrecorded);
      now += 500;
    }
    expect(open.size).toBe(0);
    for (const ch of ['a', 'b', 'c']) expect(sent[ch]).toEqual([...sent[ch]!].sort((x, y) => x - y));
    // A dead delivery retried by hand is older than what came after it: it goes first again.
    const dead = (await store.failed(20)).map((d) => d.id).sort((x, y) => x - y);
    expect(dead.length).toBeGreaterThan(0);
    const later = await store.ingest(req('late', ['a', 'b', 'c']));
    expect(await store.retry(dead[0]!, now)).toBe(1);
    const chatOfDead = (await store.getDelivery(dead[0]!))!.chat;
    const next = await store.claimDue(now, 10, ['b']);
    const expected = [dead[0]!, ...later.deliveries.filter((d) => d.target !== `b:${chatOfDead}`).map((d) => d.id)];
    expect(next.map((d) => d.id).sort((x, y) => x - y)).toEqual(expected.sort((x, y) => x - y));
    expect(await store.openBots()).toEqual(['b']);
  });

  it('tells a new owner what the bot sent lately, and what other instances may be sending', async () => {
    await fresh();
    const other = await second();
    await store.ingest(req('x', ['a', 'c']));
    const now = Date.now();
    const claims = await store.claimDue(now, 10, ['b']);
    await store.markSent(claims.find((d) => d.chat === 'a')!, now + 5);
    expect(await other.recentSends('b', now)).toEqual([
      { chat: 'c', kind: 'group', at: now },
      { chat: 'a', kind: 'group', at: now + 5 },
    ]);
    expect(await store.recentSends('b', now)).toEqual([{ chat: 'a', kind: 'group', at: now + 5 }]);
    expect(await other.recentSends('b', now + 6)).toEqual([{ chat: 'c', kind: 'group', at: now }]);
    expect(await other.recentSends('other', now)).toEqual([]);
  });

  it('dead-letters, lists and retries; counts by state', async () => {
    await fresh();
    const { deliveries } = await store.ingest(req('x', ['a']));
    const id = deliveries[0]!.id;
    const [claimed] = await store.claimDue(Date.now() + 1000, 10, ['b']);
    expect(await store.markDead(claimed!, 'chat not found', Date.now())).toBe(true);
    expect((await store.failed(10)).map((d) => [d.id, d.lastError])).toEqual([[id, 'chat not found']]);
    expect((await store.countByState()).dead).toBe(1);
    expect(await store.retry(id, Date.now())).toBe(1);
    expect((await store.getDelivery(id))?.state).toBe('pending');
  });


  it('prunes finished events before a time, oldest first, and never one with work pending', async () => {
    await fresh();
    const sent = await store.ingest(req('sent', ['a']));
    const pending = await store.ingest(req('pending', ['b']));
    const dead = await store.ingest(req('dead', ['c']));
    const muted = await store.ingest({ ...req('muted', ['d']), deliveries: [{ bot: 'b', chat: 'd', kind: 'group', target: 'b:d', silent: false, muted: 'x' }] });
    const now = Date.now();
    const claims = await store.claimDue(now + 1000, 10, ['b']);
    await store.markSent(claims.find((c) => c.id === sent.deliveries[0]!.id)!, now);
    await store.markDead(claims.find((c) => c.id === dead.deliveries[0]!.id)!, 'chat not found', now);
    await store.markRetry(claims.find((c) => c.id === pending.deliveries[0]!.id)!, now, undefined, now, false);
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
    expect((await store.claimDue(now + 1000, 10, ['b'])).map((d) => d.chat)).toEqual(['b']);
  });

  it('names each source’s newest event and counts deliveries by state, through outcomes and prune', async () => {
    await fresh();
    const from = (source: string, text: string, chats: string[], muted?: string) => {
      const r = req(text, chats);
      return store.ingest({ ...r, source, notice: { ...r.notice, source }, deliveries: r.deliveries.map((d) => ({ ...d, muted })) });
    };
    const a1 = await from('a', 'a1', ['x']); // stays pending
    const b1 = await from('b', 'b1', []); // no delivery at all
    const a2 = await from('a', 'a2', ['y', 'z']);
    const c1 = await from('c', 'c1', ['w'], 'c');
    const now = Date.now();
    const claims = await store.claimDue(now + 1000, 10, ['b']);
    const claimOf = (id: number) => claims.find((c) => c.id === id)!;
    await store.markRetry(claimOf(a1.deliveries[0]!.id), now, undefined, now, false);
    await store.markSent(claimOf(a2.deliveries[0]!.id), now);
    await store.markDead(claimOf(a2.deliveries[1]!.id), 'gone', now);
    expect(await store.countByState()).toEqual({ pending: 1, sending: 0, sent: 1, dead: 1, muted: 1 });
    expect((await store.lastEventPerSource()).map((e) => [e.source, e.id])).toEqual([
      ['a', a2.id],
      ['b', b1.id],
      ['c', c1.id],
    ]);
    // a's newest is gone with the finished ones; its older event, still pending, is its newest now.
    expect(await store.prune(now + 1000, 10)).toBe(3);
    expect((await store.lastEventPerSource()).map((e) => [e.source, e.id])).toEqual([['a', a1.id]]);
    expect(await store.countByState()).toEqual({ pending: 1, sending: 0, sent: 0, dead: 0, muted: 0 });
    const a3 = await from('a', 'a3', ['x']);
    expect((await store.lastEventPerSource()).map((e) => e.id)).toEqual([a3.id]);
    expect(await (await second()).countByState()).toEqual({ pending: 2, sending: 0, sent: 0, dead: 0, muted: 0 });
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
    expect((await store.claimDue(Date.now() + 1000, 10, ['b'])).map((d) => d.chat)).toEqual(['new']);
  });
});

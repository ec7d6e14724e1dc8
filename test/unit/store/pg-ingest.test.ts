// PostgreSQL's group commit beyond the store contract: each batch is one statement, several run at
// once, and the statement keeps captured payloads trimmed, stores any text and answers repeats.
import { afterEach, describe, expect, it } from 'vitest';
import { newEventId } from '../../../src/event-id.js';
import { PgStore } from '../../../src/store/postgres.js';
import type { IngestRequest } from '../../../src/store/store.js';
import { cuttableRelay } from '../../helpers/pg-relay.js';
import { createTestDatabase, postgresAvailable, type TestPg } from '../../helpers/postgres.js';

const available = await postgresAvailable();

const req = (text: string, chats: string[], opts: { dedupKey?: string; keep?: number; title?: string } = {}): IngestRequest => ({
  id: newEventId(Date.now()),
  source: 'src',
  dedupKey: opts.dedupKey,
  notice: { source: 'src', format: 'report', event: 'e', level: 'info', time: '', text, title: opts.title, vars: {} },
  deliveries: chats.map((chat) => ({ bot: 'b', chat, kind: 'group' as const, target: `b:${chat}`, silent: false })),
  capture: opts.keep === undefined ? undefined : { source: 'src', at: 1, headers: { 'x-n': text }, query: { q: text }, body: `{"n":"${text}"}`, outcome: 'accepted', keep: opts.keep },
});

describe.runIf(available)('PostgreSQL group commit', () => {
  let db: TestPg | undefined;
  const stores: PgStore[] = [];
  const open = async (instance = 'i1') => {
    db ??= await createTestDatabase();
    const s = await PgStore.open(db.url, { instance, listen: false });
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await db?.drop();
    db = undefined;
  });

  it('keeps the newest captures of a source, also when one batch brings more than it keeps', async () => {
    const store = await open();
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((t) => store.ingest(req(t, ['c1'], { keep: 3 }))));
    expect((await store.captures('src', 10)).map((c) => c.body)).toEqual(['{"n":"e"}', '{"n":"d"}', '{"n":"c"}']);
    await Promise.all(['f', 'g'].map((t) => store.ingest(req(t, ['c1'], { keep: 3 }))));
    const kept = await store.captures('src', 10);
    expect(kept.map((c) => c.body)).toEqual(['{"n":"g"}', '{"n":"f"}', '{"n":"e"}']);
    expect(kept[0]).toMatchObject({ headers: { 'x-n': 'g' }, query: { q: 'g' }, outcome: 'accepted' });
  });

  it('keeps no capture of a repeat, and answers it with the first answer', async () => {
    const store = await open();
    const first = await store.ingest(req('a', ['c1', 'c2'], { dedupKey: 'k', keep: 5 }));
    const again = await store.ingest(req('b', ['c3'], { dedupKey: 'k', keep: 5 }));
    expect(again).toEqual({ ...first, duplicate: true });
    expect((await store.captures('src', 10)).map((c) => c.body)).toEqual(['{"n":"a"}']);
  });

  it('stores any text: a lone surrogate becomes U+FFFD in the columns, the notice keeps what it was given', async () => {
    const store = await open();
    const a = await store.ingest(req('line\n"quoted" \\ tab\t é 😀', ['c1'], { title: 'bad \ud800 half' }));
    expect((await store.recentEvents(1))[0]).toMatchObject({ id: a.id, title: 'bad \ufffd half' });
    expect((await store.getNotice(a.id))?.text).toBe('line\n"quoted" \\ tab\t é 😀');
  });

  it('stores U+0000 as U+FFFD, in the notice and a captured query too, and the rest of the batch with it', async () => {
    const store = await open();
    const nul = req('nul \u0000 here', ['c1'], { keep: 5 });
    nul.capture!.query = { q: 'a\u0000b', 'k\u0000': '1' };
    const [ok, a] = await Promise.all([store.ingest(req('plain', ['c1'])), store.ingest(nul)]);
    expect(ok.duplicate).toBe(false);
    expect((await store.getNotice(a.id))?.text).toBe('nul \ufffd here');
    expect((await store.captures('src', 1))[0]).toMatchObject({ query: { q: 'a\ufffdb', 'k\ufffd': '1' } });
  });

  it('commits concurrent batches from two instances with unique ids, one event per repeated key, every delivery in its lane', async () => {
    const [one, two] = [await open('i1'), await open('i2')];
    // Every one captured too: commits under way at once trim the same captures.
    const reqs = Array.from({ length: 300 }, (_, i) => req(String(i), [`c${i % 7}`, `d${i % 3}`], { dedupKey: i % 10 === 0 ? `k${i % 30}` : undefined, keep: 3 }));
    // Ten a turn of the event loop, none awaited: several commits are under way at once on each instance.
    const pending = [];
    for (let i = 0; i < reqs.length; i++) {
      pending.push((i % 2 ? one : two).ingest(reqs[i]!));
      if (i % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    const answers = await Promise.all(pending);
    const byKey = new Map<string, string>();
    answers.forEach((a, i) => {
      const key = reqs[i]!.dedupKey;
      if (key === undefined) return expect(a.duplicate).toBe(false);
      if (!byKey.has(key)) byKey.set(key, a.id);
      expect(a.id).toBe(byKey.get(key));
    });
    const ids = answers.filter((a) => !a.duplicate).flatMap((a) => a.deliveries.map((d) => d.id));
    expect(new Set(ids).size).toBe(ids.length);
    // 270 events without a key and 3 with one (k0, k10, k20), two deliveries each.
    expect(ids.length).toBe((270 + 3) * 2);
    expect((await one.countByState()).pending).toBe(ids.length);
    // Each chat's lane names its oldest delivery: claiming far ahead gets exactly those.
    const claimed = await one.claimDue(Date.now() + 60_000, 100, ['b']);
    expect(claimed.length).toBe(10);
    for (const c of claimed) {
      const oldest = Math.min(...answers.filter((a) => !a.duplicate).flatMap((a) => a.deliveries.filter((d) => d.target === `b:${c.chat}`).map((d) => d.id)));
      expect(c.id).toBe(oldest);
    }
  });

  it('refuses as the store\'s failure while the database is away, and commits again once it is back', async () => {
    db = await createTestDatabase();
    const relay = await cuttableRelay(new URL(db.url));
    try {
      const store = await PgStore.open(relay.url, { instance: 'i1', listen: false });
      stores.push(store);
      expect((await store.ingest(req('before', ['c1']))).duplicate).toBe(false);
      await relay.cut();
      const during = await Promise.allSettled([store.ingest(req('during', ['c1'])), store.ingest(req('during 2', ['c2']))]);
      for (const r of during) expect(r).toMatchObject({ status: 'rejected', reason: { name: 'StoreUnavailable' } });
      await relay.restore();
      const after = await store.ingest(req('after', ['c1']));
      expect(after.deliveries).toHaveLength(1);
      expect((await store.recentEvents(10)).map((e) => e.id)).toEqual([after.id, expect.any(String)]);
    } finally {
      for (const s of stores.splice(0)) await s.close().catch(() => {});
      await relay.close();
    }
  });

  it('a connection lost in the middle of a transaction or a migration fails that call, never the process', async () => {
    db = await createTestDatabase();
    const relay = await cuttableRelay(new URL(db.url));
    try {
      relay.cutAt('INSERT INTO hookbot_migrations');
      await expect(PgStore.open(relay.url, { instance: 'i1', listen: false })).rejects.toThrow(/cannot open the PostgreSQL store/);
      await relay.restore();
      const store = await PgStore.open(relay.url, { instance: 'i1', listen: false });
      stores.push(store);
      await store.ingest(req('x', ['c1']));
      // retry runs in a transaction: its UPDATE is cut between BEGIN and COMMIT.
      relay.cutAt("UPDATE deliveries SET state = 'pending', next_at");
      await expect(store.retry('all', Date.now())).rejects.toMatchObject({ name: 'StoreUnavailable' });
      await relay.restore();
      expect(await store.retry('all', Date.now())).toBe(0);
    } finally {
      for (const s of stores.splice(0)) await s.close().catch(() => {});
      await relay.close();
    }
  });
});

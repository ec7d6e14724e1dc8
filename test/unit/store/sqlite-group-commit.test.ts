// What the SQLite store remembers within one group commit — the lanes it opened (a chat's lane is
// opened once; later deliveries wait behind its head) and the answers given to dedup keys — must be
// forgotten when an op is undone, when the batch is run again op by op, and when an op closes a lane.
import { afterEach, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { IngestAnswer } from '../../../src/store/store.js';
import { req } from './factories.js';

const value = (r: PromiseSettledResult<IngestAnswer>) => (r as PromiseFulfilledResult<IngestAnswer>).value.deliveries;

let store: SqliteStore;
afterEach(() => store.close());

it('opens the lane of every chat given work in a group commit, past a refused ingest and the re-run it causes', async () => {
  store = SqliteStore.open(':memory:');
  const bad = req('bad', ['c2', 'c4']);
  (bad.deliveries[1] as { bot: unknown }).bot = null; // NOT NULL: fails after c2's lane was opened
  // One group commit. The optimistic run fails at `bad` and is undone; the re-run must open c1 for
  // a1 again, and c2 for b (bad's lane was rolled back to its savepoint).
  const [a1, refused, b] = await Promise.allSettled([store.ingest(req('a1', ['c1'])), store.ingest(bad), store.ingest(req('b', ['c1', 'c2']))]);
  expect(refused.status).toBe('rejected');
  const claimed = await store.claimDue(Date.now() + 1000, 10, ['b']);
  expect(Object.fromEntries(claimed.map((x) => [x.chat, x.id]))).toEqual({ c1: value(a1)[0]!.id, c2: value(b)[1]!.id });
});

it('opens a lane again after an op of the same group commit closed it', async () => {
  store = SqliteStore.open(':memory:');
  // c5's work moves to c6, closing c5's lane, then a webhook routed before the move names c5.
  const [c, , d] = await Promise.all([store.ingest(req('c', ['c5'])), store.setChatMove('b', 'c5', 'c6'), store.ingest(req('d', ['c5']))]);
  const claimed = await store.claimDue(Date.now() + 1000, 10, ['b']);
  expect(Object.fromEntries(claimed.map((x) => [x.chat, x.id]))).toEqual({ c5: d.deliveries[0]!.id, c6: c.deliveries[0]!.id });
});

it('gives a repeat in the same group commit a new event when the first was undone', async () => {
  store = SqliteStore.open(':memory:');
  const first = req('first', ['c1'], 'k');
  // Its capture breaks NOT NULL after the event was written: the whole ingest is undone.
  first.capture = { source: 'src', at: 0, headers: {}, query: {}, body: null as unknown as string, outcome: 'accepted', keep: 5 };
  const [a, b] = await Promise.allSettled([store.ingest(first), store.ingest(req('again', ['c1'], 'k'))]);
  expect(a.status).toBe('rejected');
  const again = (b as PromiseFulfilledResult<IngestAnswer>).value;
  expect(again.duplicate).toBe(false);
  expect((await store.getNotice(again.id))?.text).toBe('again');
});

import { describe, expect, it } from 'vitest';
import { Stalls } from '../../src/stalls.js';
import type { Delivery } from '../../src/store/store.js';

const d = (id: number, chat: string): Delivery => ({ id, bot: 'tg', chat, kind: 'group', target: `tg:${chat}`, silent: false, eventId: 'e', state: 'sending', attempts: 0, nextAt: 0, createdAt: 0, updatedAt: 0 });

describe('stuck chats', () => {
  const opts = { sendTimeoutMs: 30_000, stuckAfterMs: 30 * 60_000 };

  it('finds a send in flight far beyond its timeout', () => {
    const s = new Stalls(opts);
    s.started(d(1, 'a'), 0);
    expect(s.stuck(60_000, new Set())).toEqual([]);
    expect(s.stuck(60_001, new Set())).toEqual([{ bot: 'tg', target: 'tg:a', since: 0, reason: 'a send has been in flight for 60 s (timeout 30 s)' }]);
    s.finished(d(1, 'a'));
    expect(s.stuck(120_000, new Set())).toEqual([]);
  });

  it('finds a chat whose head has kept failing for long, and forgets it once it moves', () => {
    const s = new Stalls(opts);
    s.failed(d(1, 'a'), 'upload timed out', 0);
    s.failed(d(1, 'a'), 'Bad Gateway', 20 * 60_000);
    expect(s.stuck(29 * 60_000, new Set())).toEqual([]);
    expect(s.stuck(31 * 60_000, new Set())).toEqual([{ bot: 'tg', target: 'tg:a', since: 0, reason: 'its next message has not gone for 31 min: Bad Gateway' }]);
    // While the bot's platform is out, the bot is the problem, not each of its chats.
    expect(s.stuck(31 * 60_000, new Set(['tg']))).toEqual([]);
    s.moved(d(1, 'a'));
    expect(s.stuck(40 * 60_000, new Set())).toEqual([]);
  });
});

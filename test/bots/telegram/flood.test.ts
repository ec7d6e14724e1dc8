// The worker, the real Telegram adapter and the fake Bot API on one manual clock: bursts to one group
// arrive as fast as Telegram takes them, counted over any 60 s as Telegram counts, with no 429.
import { newEventId } from '../../../src/event-id.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/log.js';
import { RateLimiter } from '../../../src/ratelimit.js';
import { Renderer } from '../../../src/render/render.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { Worker } from '../../../src/worker.js';
import { formats } from '../../../src/inbound/index.js';
import { telegramBot } from '../../../bots/telegram/telegram.js';
import { FakeTelegram } from '../../fakes/telegram/fake-telegram.js';
import { TOKEN } from './helpers.js';

const GROUP = -1001234567890;

describe('Telegram flood limits, worker and adapter together', () => {
  let clock: ManualClock;
  let fake: FakeTelegram;
  let store: SqliteStore;
  let worker: Worker;
  beforeEach(async () => {
    clock = new ManualClock(1_700_000_000_000);
    // Telegram's own limits: 20 in any minute per group, 1 s apart, 30/s per bot.
    fake = new FakeTelegram({ tokens: [TOKEN], clock });
    fake.addChat({ id: GROUP, type: 'supergroup' });
    await fake.start();
    store = SqliteStore.open(':memory:', { clock });
    const opts = telegramBot.options.parse({ token: TOKEN, apiRoot: fake.url });
    const bot = telegramBot.create('telegram', opts, { logger: createLogger('silent'), clock });
    worker = new Worker({
      store,
      bots: new Map([['telegram', bot]]),
      renderer: new Renderer({}, formats, 'en'),
      limiter: new RateLimiter(() => telegramBot.limits, clock),
      clock,
      logger: createLogger('silent'),
      localeOf: () => 'en',
      options: { concurrency: 8, maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, pollMs: 100, sendTimeoutMs: 10_000 },
    });
  });
  afterEach(async () => {
    await fake.stop();
    await store.close();
  });

  const add = (text: string) =>
    store.ingest({
      id: newEventId(Date.now()),
      source: 's',
      notice: { source: 's', format: 'report', event: 'e', level: 'info', time: '', text, vars: {} },
      deliveries: [{ bot: 'telegram', chat: String(GROUP), kind: 'group', target: `telegram:${GROUP}`, silent: false }],
    });

  /** Runs what is due every 100 ms of the shared clock until `done`, or gives up after `limitMs`. */
  async function runUntil(done: () => boolean, limitMs: number): Promise<number> {
    const start = clock.now();
    while (!done()) {
      if (clock.now() - start > limitMs) throw new Error(`not done after ${limitMs} ms: ${fake.sentTo(GROUP).length} sent`);
      await worker.runDue();
      if (!done()) clock.advance(100);
    }
    return clock.now() - start;
  }

  it('delivers a burst of 25 notices to one group in about a minute with no 429', async () => {
    for (let i = 0; i < 25; i++) await add(`notice ${i}`);
    const took = await runUntil(() => fake.sentTo(GROUP).length === 25, 120_000);
    expect(fake.stats.tooManyRequests).toBe(0);
    expect(fake.sentTo(GROUP).map((m) => m.text)).toEqual(Array.from({ length: 25 }, (_, i) => `notice ${i}`));
    // 20 a second apart, then the rest once the first have left the minute.
    expect(took).toBeGreaterThanOrEqual(60_000);
    expect(took).toBeLessThan(70_000);
  });

  it('paces each part of long notices, each waiting for its own place, with no 429', async () => {
    for (let i = 0; i < 12; i++) await add(`long ${i}\n` + 'x'.repeat(5000));
    const xs = () => fake.sentTo(GROUP).reduce((n, m) => n + (m.text.match(/x/g)?.length ?? 0), 0);
    await runUntil(() => xs() === 12 * 5000, 180_000);
    expect(fake.stats.tooManyRequests).toBe(0);
    const sent = fake.sentTo(GROUP);
    // Several messages each, well past the group's 20 in a minute.
    expect(sent.length).toBeGreaterThanOrEqual(24);
    // Each notice's parts in order, the notices in order.
    expect(sent.filter((m) => /^long \d+/.test(m.text)).map((m) => /^long (\d+)/.exec(m.text)![1])).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    // No part was sent again after a pause between parts, even once everything has settled.
    clock.advance(120_000);
    expect(await worker.runDue()).toBe(0);
    expect(xs()).toBe(12 * 5000);
  });
});

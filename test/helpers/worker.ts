// The worker as the unit tests drive it: one bot 'b', the real renderer, a manual clock, silent
// logs and no jitter; and a report to one chat of it, committed as an ingest would.
import type { BotAdapter } from '../../src/bot.js';
import type { ManualClock } from '../../src/clock.js';
import { newEventId } from '../../src/event-id.js';
import { formats } from '../../src/inbound/index.js';
import { createLogger } from '../../src/log.js';
import { RateLimiter } from '../../src/ratelimit.js';
import { Renderer } from '../../src/render/render.js';
import type { IngestAnswer, Store } from '../../src/store/store.js';
import { Worker, type WorkerDeps, type WorkerOptions } from '../../src/worker.js';
import type { RateLimits } from '../../src/bot.js';

export const WORKER_OPTIONS: WorkerOptions = { concurrency: 8, maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000, pollMs: 100, sendTimeoutMs: 1000 };

export function testWorker(
  store: Store,
  bot: BotAdapter,
  clock: ManualClock,
  opts: { options?: WorkerOptions; limits?: RateLimits } & Partial<Omit<WorkerDeps, 'options'>> = {},
): Worker {
  const { options = WORKER_OPTIONS, limits = {}, ...deps } = opts;
  return new Worker({
    store,
    bots: new Map([['b', bot]]),
    renderer: new Renderer({}, formats, 'en'),
    limiter: new RateLimiter(() => limits, clock),
    clock,
    logger: createLogger('silent'),
    localeOf: () => 'en',
    options,
    random: () => 1,
    ...deps,
  });
}

/** A report of `text` to group `chat` of `bot` ('b' unless told), committed. */
export function addReport(store: Pick<Store, 'ingest'>, clock: ManualClock, chat: string, text: string, bot = 'b'): Promise<IngestAnswer> {
  return store.ingest({
    id: newEventId(clock.now()),
    source: 's',
    notice: { source: 's', format: 'report', event: 'e', level: 'info', time: '', text, vars: {} },
    deliveries: [{ bot, chat, kind: 'group', target: `${bot}:${chat}`, silent: false }],
  });
}

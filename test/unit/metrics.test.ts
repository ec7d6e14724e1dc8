// The Prometheus registry is built at the first scrape; one that could not be built (prom-client
// failed to load) is built again at the next scrape, and a built one is kept.
import promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { Metrics } from '../../src/metrics.js';
import { SqliteStore } from '../../src/store/sqlite.js';

describe('Metrics', () => {
  it('builds the registry again at the next scrape after a failed build, and keeps it once built', async () => {
    const store = SqliteStore.open(':memory:', { clock: new ManualClock(0) });
    let loads = 0;
    const load = async () => {
      if (++loads === 1) throw new Error('Cannot find module prom-client');
      return promClient;
    };
    const metrics = new Metrics(store, new Map(), undefined, load);
    metrics.outcome('sent', 'b');
    await expect(metrics.render()).rejects.toThrow(/prom-client/);
    const scraped = await metrics.render();
    expect(scraped.contentType).toMatch(/^text\/plain/);
    // The tally kept while there was no registry is there.
    expect(scraped.body).toMatch(/^hookbot_delivery_outcomes_total\{outcome="sent",bot="b"\} 1$/m);
    metrics.outcome('sent', 'b');
    expect((await metrics.render()).body).toMatch(/^hookbot_delivery_outcomes_total\{outcome="sent",bot="b"\} 2$/m);
    expect(loads).toBe(2);
    await store.close();
  });
});

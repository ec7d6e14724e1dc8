// Prometheus metrics at GET /metrics (prom-client), each registry per instance so tests can run several.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BotAdapter } from './bot.js';
import type { Store } from './store/store.js';

export class Metrics {
  private readonly registry = new Registry();
  private readonly outcomes = new Counter({ name: 'hookbot_delivery_outcomes_total', help: 'Delivery attempts by outcome', labelNames: ['outcome', 'bot'], registers: [this.registry] });
  private readonly webhooks = new Counter({ name: 'hookbot_webhooks_total', help: 'Webhooks answered, by source and HTTP status', labelNames: ['source', 'status'], registers: [this.registry] });

  constructor(store: Store, bots: Map<string, BotAdapter>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hookbot_' });
    new Gauge({
      name: 'hookbot_deliveries',
      help: 'Deliveries in the store by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        for (const [state, n] of Object.entries(await store.countByState())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'hookbot_bot_healthy',
      help: '1 when the bot works, 0 when it is unhealthy',
      labelNames: ['bot'],
      registers: [this.registry],
      collect() {
        for (const [id, b] of bots) this.set({ bot: id }, b.health().state === 'unhealthy' ? 0 : 1);
      },
    });
  }

  outcome(outcome: string, bot: string): void {
    this.outcomes.inc({ outcome, bot });
  }

  /** `source` must be a configured source name (or ''): a name from a URL would let anyone add series. */
  webhook(source: string, status: number): void {
    this.webhooks.inc({ source, status: String(status) });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

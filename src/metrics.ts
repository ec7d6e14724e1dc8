// Prometheus metrics at GET /metrics (prom-client), each registry per instance so tests can run several.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BotAdapter } from './bot.js';
import type { HealthReport } from './health.js';
import type { Store } from './store/store.js';

export class Metrics {
  private readonly registry = new Registry();
  private readonly outcomes = new Counter({ name: 'hookbot_delivery_outcomes_total', help: 'Delivery attempts by outcome', labelNames: ['outcome', 'bot'], registers: [this.registry] });
  private readonly webhooks = new Counter({ name: 'hookbot_webhooks_total', help: 'Webhooks answered, by source and HTTP status', labelNames: ['source', 'status'], registers: [this.registry] });

  constructor(store: Store, bots: Map<string, BotAdapter>, health?: () => HealthReport) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hookbot_' });
    const registers = [this.registry];
    new Gauge({
      name: 'hookbot_deliveries',
      help: 'Deliveries in the store by state',
      labelNames: ['state'],
      registers,
      async collect() {
        for (const [state, n] of Object.entries(await store.countByState())) this.set({ state }, n);
      },
    });
    // The same problems /healthz names, as numbers to alert on.
    const botProblem = (id: string) => health?.().problems.find((p) => p.what === `bot ${id}`);
    new Gauge({
      name: 'hookbot_bot_healthy',
      help: '1 when the bot works, 0 when it is unhealthy (token refused) or its platform is unreachable',
      labelNames: ['bot'],
      registers,
      collect() {
        for (const [id, b] of bots) {
          const p = botProblem(id);
          this.set({ bot: id }, b.health().state === 'unhealthy' || p?.kind === 'unhealthy' || p?.kind === 'unreachable' ? 0 : 1);
        }
      },
    });
    if (!health) return;
    new Gauge({
      name: 'hookbot_bot_unreachable_seconds',
      help: 'How long the bot has been failing to reach its platform (0 when it works)',
      labelNames: ['bot'],
      registers,
      collect() {
        for (const id of bots.keys()) {
          const p = botProblem(id);
          this.set({ bot: id }, p?.kind === 'unreachable' || p?.kind === 'unhealthy' ? p.forSeconds : 0);
        }
      },
    });
    new Gauge({
      name: 'hookbot_store_failing',
      help: '1 while store calls fail (outcomes or claims cannot be recorded), else 0',
      registers,
      collect() {
        this.set(health().problems.some((p) => p.kind === 'store') ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hookbot_chats_stuck',
      help: 'Chats whose next message has not gone for long, or whose send hangs past its timeout',
      registers,
      collect() {
        this.set(health().problems.filter((p) => p.kind === 'stuck').length);
      },
    });
    new Gauge({
      name: 'hookbot_health_problems',
      help: 'Problems /healthz names, by severity (down: 503, needs a person; degraded: passes on its own)',
      labelNames: ['severity'],
      registers,
      collect() {
        const ps = health().problems;
        for (const severity of ['down', 'degraded'] as const) this.set({ severity }, ps.filter((p) => p.severity === severity).length);
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

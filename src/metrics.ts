// Prometheus metrics at GET /metrics (prom-client), each registry per instance so tests can run several.
// prom-client is loaded and the registry built at the first scrape: an instance nobody scrapes keeps
// only its two tallies. The default metrics (process, GC, event loop) are collected from then on.
import type PromClient from 'prom-client';
import type { Registry } from 'prom-client';
import type { BotAdapter } from './bot.js';
import type { HealthReport } from './health-report.js';
import type { Store } from './store/store.js';

/** Counts by a pair of label values. */
class Tally {
  private readonly counts = new Map<string, Map<string, number>>();
  inc(a: string, b: string): void {
    let m = this.counts.get(a);
    if (!m) this.counts.set(a, (m = new Map()));
    m.set(b, (m.get(b) ?? 0) + 1);
  }
  *entries(): Iterable<[string, string, number]> {
    for (const [a, m] of this.counts) for (const [b, n] of m) yield [a, b, n];
  }
}

// A CommonJS package: its exports are the default export both in Node's loader and in the bundle.
const loadPromClient = async () => (await import('prom-client')).default;

export class Metrics {
  private readonly outcomes = new Tally();
  private readonly webhooks = new Tally();
  private registry?: Promise<Registry>;

  /**
   * `health` is what /healthz says: the gauges below match its problems one for one. `load` gives
   * prom-client (a test can make it fail once).
   */
  constructor(
    private readonly store: Store,
    private readonly bots: Map<string, BotAdapter>,
    private readonly health?: () => HealthReport,
    private readonly load: () => Promise<typeof PromClient> = loadPromClient,
  ) {}

  outcome(outcome: string, bot: string): void {
    this.outcomes.inc(outcome, bot);
  }

  /** `source` must be a configured source name (or ''): a name from a URL would let anyone add series. */
  webhook(source: string, status: number): void {
    this.webhooks.inc(source, String(status));
  }

  async render(): Promise<{ contentType: string; body: string }> {
    // A registry that could not be built is built again at the next scrape, not kept failing.
    this.registry ??= this.build().catch((e: unknown) => {
      this.registry = undefined;
      throw e;
    });
    const registry = await this.registry;
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  private async build(): Promise<Registry> {
    const { Counter, Gauge, Registry, collectDefaultMetrics } = await this.load();
    const { store, bots, health, outcomes, webhooks } = this;
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'hookbot_' });
    // The counters read the tallies kept since the start.
    const counter = (name: string, help: string, labels: [string, string], tally: Tally) =>
      new Counter({
        name,
        help,
        labelNames: labels,
        registers: [registry],
        collect() {
          this.reset();
          for (const [a, b, n] of tally.entries()) this.inc({ [labels[0]]: a, [labels[1]]: b }, n);
        },
      });
    counter('hookbot_delivery_outcomes_total', 'Delivery attempts by outcome', ['outcome', 'bot'], outcomes);
    counter('hookbot_webhooks_total', 'Webhooks answered, by source and HTTP status', ['source', 'status'], webhooks);
    new Gauge({
      name: 'hookbot_deliveries',
      help: 'Deliveries in the store by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        for (const [state, n] of Object.entries(await store.countByState())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'hookbot_bot_healthy',
      help: '1 when the bot works, 0 when it is unhealthy',
      labelNames: ['bot'],
      registers: [registry],
      collect() {
        for (const [id, b] of bots) this.set({ bot: id }, b.health().state === 'unhealthy' ? 0 : 1);
      },
    });
    if (!health) return registry;
    const problems = () => health().problems;
    new Gauge({
      name: 'hookbot_up',
      help: '1 when /healthz is ok, 0.5 when degraded, 0 when down (503)',
      registers: [registry],
      collect() {
        const s = health().status;
        this.set(s === 'ok' ? 1 : s === 'degraded' ? 0.5 : 0);
      },
    });
    new Gauge({
      name: 'hookbot_bot_up',
      help: '1 when the bot can deliver, 0 while its platform is unreachable or refuses it',
      labelNames: ['bot'],
      registers: [registry],
      collect() {
        const down = new Set(problems().filter((p) => p.kind === 'platform_unreachable' || p.kind === 'bot_unhealthy').map((p) => p.bot));
        for (const id of bots.keys()) this.set({ bot: id }, down.has(id) ? 0 : 1);
      },
    });
    new Gauge({
      name: 'hookbot_bot_unreachable_seconds',
      help: 'How long the bot’s platform has been unreachable or refusing it (0 when it works)',
      labelNames: ['bot'],
      registers: [registry],
      collect() {
        const h = health();
        const now = h.at;
        const since = new Map(h.problems.filter((p) => p.kind === 'platform_unreachable' || p.kind === 'bot_unhealthy').map((p) => [p.bot, Date.parse(p.since)]));
        for (const id of bots.keys()) {
          const t = since.get(id);
          this.set({ bot: id }, t === undefined ? 0 : Math.max(0, Math.round((now - t) / 1000)));
        }
      },
    });
    new Gauge({
      name: 'hookbot_store_ok',
      help: '1 when the store commits, 0 while it fails (webhooks are answered 503)',
      registers: [registry],
      collect() {
        this.set(problems().some((p) => p.kind === 'store_failing') ? 0 : 1);
      },
    });
    new Gauge({
      name: 'hookbot_chats_stuck',
      help: 'Chats whose next delivery has waited on its platform for long while the bot works',
      registers: [registry],
      collect() {
        this.set(problems().filter((p) => p.kind === 'chat_stuck').length);
      },
    });
    return registry;
  }
}

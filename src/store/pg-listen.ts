// LISTEN on a connection of its own (never a pooled one): new work (`hookbot_work`, the bot as
// payload, sent in the ingest transaction so it arrives only after the commit) and bots given up
// at a clean stop (`hookbot_owner`). A listener misses what is sent while it is disconnected, so
// after every (re)connection it tells everyone once, as if both had fired; the worker's timer
// still polls for retries that come due.
import pg from 'pg';
import type { Logger } from 'pino';

export class PgListener {
  private client?: pg.Client;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly work = new Set<(bot: string) => void>();
  private readonly owners = new Set<() => void>();

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly logger?: Logger,
  ) {}

  onWork(fn: (bot: string) => void): void {
    this.work.add(fn);
  }
  onOwner(fn: () => void): void {
    this.owners.add(fn);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...this.config, keepAlive: true });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      if (n.channel === 'hookbot_work') for (const fn of this.work) fn(n.payload ?? '');
      else if (n.channel === 'hookbot_owner') for (const fn of this.owners) fn();
    });
    await client.connect();
    await client.query('LISTEN hookbot_work; LISTEN hookbot_owner');
    this.client = client;
    for (const fn of this.work) fn('');
    for (const fn of this.owners) fn();
  }

  private lost(client: pg.Client, delay = 1000) {
    if (this.client !== client && this.client !== undefined) return;
    this.client = undefined;
    void client.end().catch(() => {});
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.connect().catch((e) => {
        this.logger?.warn({ err: String((e as Error).message) }, 'store: could not listen for new work; trying again');
        this.lost(client, Math.min(delay * 2, 10_000));
      });
    }, delay);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }
}

// Keeps the Socket Mode connection up: after Slack's routine refresh it reconnects at once, after a
// network cut or a failed attempt with backoff, for as long as the bot runs (a short Slack or
// network outage must not end commands until a restart), and reports the connection state
// as the bot's command health. Only a refused app-level token stops it: that needs a person.
import { toDeliveryError } from './errors.js';
import { backoffDelay } from '../../src/kit/backoff.js';

/** What the link needs of a connection: SocketClient. */
export interface SocketConnection {
  /** Connects; resolves when Slack said hello. */
  start(): Promise<unknown>;
  disconnect(): Promise<void>;
  /** `disconnected`: an established connection closed; `routine` when Slack asked for a new one (a refresh). */
  on(event: 'disconnected', listener: (routine: boolean) => void): unknown;
}

export interface SocketLinkOptions {
  /** The connection state: a problem to show in health, or undefined when connected. */
  report(problem: string | undefined, fatal?: boolean): void;
  secrets: readonly string[];
  /** Wait before attempt n (1, 2, …) after a failure. */
  backoffMs?: (attempt: number) => number;
  /** How long start() waits for the first connection before letting start-up go on. */
  startWaitMs?: number;
}

const defaultBackoff = (attempt: number) => backoffDelay({ firstMs: 1000, maxMs: 60_000 }, attempt - 1);

export class SocketLink {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private up = false;
  private attempt = 0;

  constructor(
    private readonly client: SocketConnection,
    private readonly opts: SocketLinkOptions,
  ) {
    // A connection that was up and closed (Slack's refresh, a network cut, a missed ping): reconnect.
    // A close during an attempt is that attempt's failure, handled where it is awaited.
    client.on('disconnected', (routine) => {
      // Health turns only if the reconnection fails: Slack's routine refresh is not an outage.
      if (!this.up || this.stopped) return;
      this.up = false;
      // Slack asked for a new connection (it does every few hours): open it now, or commands sent
      // meanwhile wait for nothing. A cut connection waits the first backoff step, as a failure does.
      if (routine) void this.connect();
      else this.schedule(this.delay(1));
    });
  }

  /** Connects; resolves when the first attempt succeeded, failed, or took longer than startWaitMs. */
  async start(): Promise<void> {
    const first = this.connect();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((r) => (timer = setTimeout(r, this.opts.startWaitMs ?? 10_000)));
    await Promise.race([first, waited]);
    clearTimeout(timer);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.client.start();
      if (this.stopped) return;
      this.up = true;
      this.attempt = 0;
      this.opts.report(undefined);
    } catch (e) {
      if (this.stopped) return;
      // A close before Slack's `hello` rejects with no error at all.
      const err = e ? toDeliveryError(e, this.opts.secrets) : undefined;
      const why = err?.message ?? 'the WebSocket closed before Slack said hello';
      if (err?.unhealthy) {
        // A refused app-level token needs a person; retrying would only hammer Slack.
        this.opts.report(`Socket Mode: ${why}; fix the app-level token and restart`, true);
        return;
      }
      this.attempt += 1;
      const wait = this.delay(this.attempt);
      this.opts.report(`Socket Mode: ${why}; trying again in ${Math.ceil(wait / 1000)} s`);
      this.schedule(wait);
    }
  }

  private delay(attempt: number): number {
    return (this.opts.backoffMs ?? defaultBackoff)(attempt);
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    // Not awaited: a peer that never answers the close frame would hold up shutdown.
    void this.client.disconnect().catch(() => undefined);
  }
}

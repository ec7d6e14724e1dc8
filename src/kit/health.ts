// One health state machine for every adapter: `ok`; `starting` with the reason while it connects or
// reconnects by itself; `unhealthy` when it needs a person (a refused token); `stopped`. /healthz,
// metrics and `status` read it; a state change is logged once, not on every retry.
import type { BotHealth } from '../bot.js';
import type { Clock } from '../clock.js';

export class Health {
  private current: BotHealth;

  constructor(
    private readonly clock: Clock,
    /** Told each change of state or reason (to log it once). */
    private readonly onChange?: (h: BotHealth, before: BotHealth) => void,
  ) {
    this.current = { state: 'starting', since: this.now() };
  }

  get(): BotHealth {
    return this.current;
  }

  get state(): BotHealth['state'] {
    return this.current.state;
  }

  ok(): void {
    this.set('ok');
  }

  /** Connecting, or reconnecting after a failure that may go away on its own. */
  starting(reason?: string): void {
    this.set('starting', reason);
  }

  /** Needs a person: deliveries are held until it works again. */
  unhealthy(reason: string): void {
    this.set('unhealthy', reason);
  }

  stopped(): void {
    this.set('stopped');
  }

  /** `starting`, unless a person is already needed: a reconnect does not hide a refused token. */
  retrying(reason: string): void {
    if (this.current.state !== 'unhealthy') this.set('starting', reason);
  }

  private set(state: BotHealth['state'], reason?: string): void {
    if (state === this.current.state && reason === this.current.reason) return;
    const before = this.current;
    this.current = { state, ...(reason ? { reason } : {}), since: this.now() };
    this.onChange?.(this.current, before);
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

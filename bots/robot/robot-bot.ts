// What the DingTalk, Feishu and WeCom robots and the outbound webhook share: a bot that is one chat
// (the target is the bot id alone), sends only, and has no commands; its health follows its sends:
// ok until the platform refuses its credentials, ok again once a send goes through.
import type { BotAdapter, BotDeps, BotHealth, BotHost, ChatRef, SendContext, SendResult } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import type { Message } from '../../src/message.js';

/** Sends one platform message; throws DeliveryError. */
export type Part = () => Promise<void>;

export abstract class RobotBot implements BotAdapter {
  abstract readonly platform: string;
  private state: BotHealth;

  /** Tests may pass their own fetch; the platform is reached with the global one otherwise. */
  protected readonly fetchFn: typeof fetch;

  constructor(
    readonly id: string,
    protected readonly deps: BotDeps & { fetch?: typeof fetch },
  ) {
    this.state = this.at('starting');
    this.fetchFn = deps.fetch ?? fetch;
  }

  private at(state: BotHealth['state'], reason?: string): BotHealth {
    return { state, ...(reason ? { reason } : {}), since: new Date(this.deps.clock.now()).toISOString() };
  }

  /** A robot posts into the one chat it was made for: only the bot id (an empty chat part) is a target. */
  parseChat(raw: string): { chat: string; thread?: string } {
    if (raw === '') return { chat: '' };
    throw new Error(`'${raw}': '${this.id}' is a ${this.platform} robot with one chat of its own: use the bot id alone, e.g. to_group: [${this.id}] (1 target)`);
  }

  /**
   * The platform messages one Message becomes, each a call that sends one. The plan must come out
   * the same on a retry, so the parts already sent are skipped.
   */
  protected abstract plan(msg: Message, ctx: SendContext): Promise<Part[]>;

  /** How far a multi-part delivery got, by delivery key: a retry goes on from there. */
  private readonly progress = new Map<string, number>();

  async send(_to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    if (ctx.signal.aborted) throw new DeliveryError(`${this.platform}: aborted`, { retryable: true });
    const parts = await this.plan(msg, ctx);
    const first = Math.min(this.progress.get(ctx.key) ?? 0, parts.length);
    let done = first;
    try {
      while (done < parts.length) {
        // Each part is a message against the robot's limits (DingTalk: 20/min, then a 10-minute
        // penalty): past the first of this call, it waits for its own place; the rest goes later.
        const wait = done > first ? (ctx.pace?.() ?? 0) : 0;
        if (wait > 0) throw new DeliveryError(`${this.platform}: ${done} of ${parts.length} parts sent; the rest waits for the rate limit`, { retryable: true, retryAfterMs: wait });
        await parts[done]!();
        done++;
      }
    } catch (e) {
      if (done > 0) this.remember(ctx.key, done);
      if (e instanceof DeliveryError && e.unhealthy && this.state.state !== 'stopped') this.state = this.at('unhealthy', e.message);
      throw e;
    }
    this.progress.delete(ctx.key);
    if (this.state.state === 'unhealthy') this.state = this.at('ok');
    return { messageIds: parts.map((_, i) => (parts.length > 1 ? `${ctx.key}.${i + 1}` : ctx.key)), paced: true };
  }

  private remember(key: string, done: number) {
    // Bounded: a delivery that never comes back (dead, or the process restarts) must not leak.
    if (this.progress.size > 10_000) this.progress.delete(this.progress.keys().next().value!);
    this.progress.set(key, done);
  }

  async start(_host: BotHost): Promise<void> {
    this.state = this.at('ok');
  }

  async stop(): Promise<void> {
    this.state = this.at('stopped');
  }

  health(): BotHealth {
    return this.state;
  }
}

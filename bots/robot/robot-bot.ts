// What the DingTalk, Feishu and WeCom robots and the outbound webhook share: a bot that is one chat
// (the target is the bot id alone), sends only, and has no commands; its health follows its sends:
// ok until the platform refuses its credentials, ok again once a send goes through.
import type { BotAdapter, BotDeps, BotHealth, BotHost, ChatRef, SendContext, SendResult } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import type { Message } from '../../src/message.js';

export abstract class RobotBot implements BotAdapter {
  abstract readonly platform: string;
  private state: BotHealth;

  constructor(
    readonly id: string,
    protected readonly deps: BotDeps,
  ) {
    this.state = this.at('starting');
  }

  private at(state: BotHealth['state'], reason?: string): BotHealth {
    return { state, ...(reason ? { reason } : {}), since: new Date(this.deps.clock.now()).toISOString() };
  }

  /** A robot posts into the one chat it was made for: only the bot id (an empty chat part) is a target. */
  parseChat(raw: string): { chat: string; thread?: string } {
    if (raw === '') return { chat: '' };
    throw new Error(`'${raw}': '${this.id}' is a ${this.platform} robot with one chat of its own: use the bot id alone, e.g. to_group: [${this.id}] (1 target)`);
  }

  /** Sends one message, possibly as several platform messages; returns their ids. */
  protected abstract deliver(msg: Message, ctx: SendContext): Promise<string[]>;

  async send(_to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    if (ctx.signal.aborted) throw new DeliveryError(`${this.platform}: aborted`, { retryable: true });
    try {
      const ids = await this.deliver(msg, ctx);
      if (this.state.state === 'unhealthy') this.state = this.at('ok');
      return { messageIds: ids };
    } catch (e) {
      if (e instanceof DeliveryError && e.unhealthy && this.state.state !== 'stopped') this.state = this.at('unhealthy', e.message);
      throw e;
    }
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

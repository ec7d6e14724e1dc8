// The outbound webhook: each delivery POSTs the sender's raw payload, hookbot's notice, or a Liquid
// template's output to the user's own URL (an uploader script, a home-automation hook), with
// hookbot's durable queue and retries in front of a receiver that has none. With `secret`, requests
// carry Standard Webhooks headers (standardwebhooks.com); webhook-id is the delivery's key, the same
// on every retry, so the receiver can drop repeats. 2xx = sent; 408, 429, 5xx and network errors are
// retried, obeying Retry-After; any other status is final.
import { Webhook } from 'standardwebhooks';
import type { BotDeps, BotModule, SendContext } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { registerSecret } from '../../src/log.js';
import { networkError } from '../robot/http.js';
import { webhookPlatform, type WebhookOptions } from './platform.js';
import { RobotBot, type Part } from '../robot/robot-bot.js';
import { renderBody, type BodyMode } from './body.js';
import { retryAfterMs } from './retry-after.js';


export class WebhookBot extends RobotBot {
  readonly platform = 'webhook';
  private readonly signer?: Webhook;
  private readonly mode: BodyMode;

  constructor(id: string, private readonly opts: WebhookOptions, deps: BotDeps & { fetch?: typeof fetch }) {
    super(id, deps);
    registerSecret(opts.secret);
    for (const [k, v] of new URL(opts.url).searchParams) if (/key|token|secret|sign|auth/i.test(k)) registerSecret(v);
    for (const [k, v] of Object.entries(opts.headers)) if (/auth|token|key|secret/i.test(k)) registerSecret(v.replace(/^\w+\s+/, ''));
    if (opts.secret) this.signer = new Webhook(opts.secret);
    this.mode = opts.body === 'raw' || opts.body === 'notice' ? opts.body : { template: opts.body };
  }

  protected async plan(msg: Message, ctx: SendContext): Promise<Part[]> {
    return [() => this.post(msg, ctx)];
  }

  private async post(msg: Message, ctx: SendContext): Promise<void> {
    let rendered;
    try {
      rendered = renderBody(this.mode, msg);
    } catch (e) {
      throw new DeliveryError(`webhook: the body template failed: ${(e as Error).message.split('\n')[0]}`, { retryable: false });
    }
    const headers: Record<string, string> = { 'content-type': rendered.contentType, 'user-agent': 'hookbot', ...this.opts.headers };
    if (this.signer) {
      const at = new Date(this.deps.clock.now());
      headers['webhook-id'] = ctx.key;
      headers['webhook-timestamp'] = String(Math.floor(at.getTime() / 1000));
      headers['webhook-signature'] = this.signer.sign(ctx.key, at, rendered.body);
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.opts.url, { method: 'POST', headers, body: rendered.body, signal: ctx.signal, redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      throw networkError('webhook', e, ctx.signal);
    }
    const s = res.status;
    if (s >= 200 && s < 300) return;
    const reason = `webhook: the receiver answered HTTP ${s}`;
    if (s === 408 || s === 429 || s >= 500) {
      const wait = retryAfterMs(res.headers.get('retry-after'), this.deps.clock.now());
      throw new DeliveryError(reason, { retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
    }
    if (s >= 300 && s < 400) throw new DeliveryError(`${reason} (a redirect): set url to where it points`, { retryable: false });
    throw new DeliveryError(reason, { retryable: false });
  }
}

export const webhookBot: BotModule<WebhookOptions> = {
  ...webhookPlatform,
  create: (id, opts, deps) => new WebhookBot(id, opts, deps),
};

// The Telegram bot (grammY): delivers Messages as HTML, takes commands by long polling or webhook.
import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Bot, webhookCallback } from 'grammy';
import type { Message as TgMessage } from 'grammy/types';
import type { Logger } from 'pino';
import type { BotAdapter, BotDeps, BotHealth, BotHost, BotModule, ChatRef, HttpMount, SendContext, SendResult } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import { HttpError } from '../../src/http/errors.js';
import type { Message } from '../../src/message.js';
import { parseMarkup } from '../../src/render/markup.js';
import { commandFromMessage } from './command.js';
import { TelegramDelivery, sig } from './delivery.js';
import { apiFailure, describe, toDeliveryError, type Mask } from './errors.js';
import { masker, secretValues } from '../../src/kit/secrets.js';
import { TEXT_MAX, htmlChunks } from './html.js';
import { parseTelegramChat, type TelegramOptions } from './options.js';
import { telegramPlatform } from './platform.js';
import { backoffDelay } from '../../src/kit/backoff.js';
import { Health } from '../../src/kit/health.js';
import { botApiFetch } from './fetch.js';

// Two getUpdates loops on one token make Telegram answer 409 to one of them: one loop per token.
const pollingTokens = new Map<string, string>();
// A command reply does not go through the store and the worker, so a 429 (a group busy with
// notices), a 5xx or a network error is retried here, briefly: the asker is waiting for it.
const REPLY_TRIES = 3;
// Channel posts too, so /whoami in a channel answers its id.
const ALLOWED_UPDATES = ['message', 'channel_post'] as const;
const REPLY_MAX_WAIT_MS = 30_000;
// getMe / setWebhook failing at start (network not up yet): 1 s, doubling, at most a minute apart.
const CONNECT_BACKOFF = { firstMs: 1000, maxMs: 60_000 };

export class TelegramBot implements BotAdapter {
  readonly platform = 'telegram';
  private readonly bot: Bot;
  private readonly log: Logger;
  private readonly state: Health;
  private readonly delivery: TelegramDelivery;
  private readonly inflight = new Set<Promise<void>>();
  private host?: BotHost;
  private polling = false;
  private connected = false;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private halt = new AbortController();
  /** Hides the secrets the platform declares (the token, the webhook secret) in any text. */
  private readonly mask: Mask;

  constructor(
    readonly id: string,
    private readonly opts: TelegramOptions,
    private readonly deps: BotDeps,
  ) {
    this.log = deps.logger.child({ platform: 'telegram' });
    this.mask = masker(secretValues(opts, telegramPlatform.capabilities.secrets));
    this.state = new Health(deps.clock);
    this.bot = new Bot(opts.token, {
      client: {
        apiRoot: opts.apiRoot,
        // Above the 30 s long-poll timeout; sends are bounded by the worker's signal instead.
        timeoutSeconds: 60,
        fetch: botApiFetch(opts.proxy),
      },
    });
    this.delivery = new TelegramDelivery(this.bot.api, opts, this.log, this.mask);
    this.bot.on(['message', 'channel_post'], (ctx) => {
      this.track(this.onMessage(ctx.msg));
    });
    this.bot.catch((err) => this.log.error({ err: describe(err.error, this.mask) }, 'telegram: handling an update failed'));
  }

  parseChat(raw: string): { chat: string; thread?: string } {
    return parseTelegramChat(raw);
  }

  async send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    let res: SendResult;
    try {
      res = await this.delivery.send(to, msg, ctx);
    } catch (e) {
      if (e instanceof DeliveryError && e.unhealthy) this.markUnhealthy(e.message);
      throw e;
    }
    if (this.state.state === 'unhealthy') {
      // The Bot API takes our token again (a proxy or self-hosted server was fixed): resume commands too.
      this.state.ok();
      if (!this.connected && this.host && !this.stopped) void this.connect(0);
    }
    return res;
  }

  private markUnhealthy(reason: string) {
    if (this.state.state !== 'unhealthy') {
      this.log.error(
        { reason },
        'telegram: THE BOT TOKEN OR apiRoot IS NOT ACCEPTED — deliveries are held until it is fixed (check the token with @BotFather)',
      );
    }
    this.state.unhealthy(reason);
  }

  async start(host: BotHost): Promise<void> {
    this.host = host;
    this.stopped = false;
    if (this.halt.signal.aborted) this.halt = new AbortController();
    if (this.opts.webhook) host.mount(this.webhookRoute(this.opts.webhook));
    await this.connect(0);
  }

  /** getMe, the command menu, then webhook or polling; network trouble is retried in the background. */
  private async connect(attempt: number): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.bot.isInited()) this.bot.botInfo = await this.bot.api.getMe(sig(AbortSignal.timeout(15_000)));
      await this.publishCommands();
      if (this.opts.webhook) {
        await this.bot.api.setWebhook(this.opts.webhook.url, { secret_token: this.opts.webhook.secret, allowed_updates: ALLOWED_UPDATES });
      } else this.startPolling();
      this.connected = true;
      this.state.ok();
      this.log.info({ username: this.bot.botInfo.username, mode: this.opts.webhook ? 'webhook' : 'polling' }, 'telegram: bot started');
    } catch (e) {
      const err = toDeliveryError(e, this.mask);
      if (err.unhealthy) return this.markUnhealthy(err.message);
      const delay = backoffDelay(CONNECT_BACKOFF, attempt);
      this.state.retrying(`${err.message}; retrying in ${Math.round(delay / 1000)} s`);
      this.log.warn({ err: err.message, retryInMs: delay }, 'telegram: starting the bot failed (getMe, setMyCommands or setWebhook), will retry');
      this.retryTimer = setTimeout(() => void this.connect(attempt + 1), delay);
      this.retryTimer.unref(); // a retry never keeps the process alive on its own
    }
  }

  /**
   * The command menu. Everyone (the default scope) gets the commands anyone may run; each admin gets
   * all of them in the private chat with the bot (scope `chat`, whose id is the admin's user id).
   * A failure for one admin is a warning: commands still work when typed, only that menu is stale.
   */
  private async publishCommands() {
    const all = (this.host?.commands() ?? []).filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name)).slice(0, 100);
    if (all.length === 0) return;
    const menu = (list: typeof all) => list.map((c) => ({ command: c.name, description: (c.description || c.name).slice(0, 256) }));
    const everyone = menu(all.filter((c) => !c.admin));
    try {
      // The default list must be replaced even when it is empty: an older one may still show admin commands.
      if (everyone.length > 0) await this.bot.api.setMyCommands(everyone);
      else await this.bot.api.deleteMyCommands();
    } catch (e) {
      if (toDeliveryError(e, this.mask).unhealthy) throw e;
      this.log.warn({ err: describe(e, this.mask) }, 'telegram: setMyCommands failed; commands still work, the menu is not updated');
    }
    if (!all.some((c) => c.admin)) return;
    const forAdmins = menu(all);
    for (const admin of new Set(this.host?.admins?.() ?? [])) {
      // A private chat's id is the user's id: a positive integer. A group id or a @username is no user.
      if (!/^[1-9]\d{0,15}$/.test(admin) || !Number.isSafeInteger(Number(admin))) {
        this.log.warn({ admin }, `telegram: admin '${admin}' is not a numeric user id, so it gets no admin command menu (send /whoami to the bot to get your id)`);
        continue;
      }
      try {
        await this.bot.api.setMyCommands(forAdmins, { scope: { type: 'chat', chat_id: Number(admin) } });
      } catch (e) {
        if (toDeliveryError(e, this.mask).unhealthy) throw e;
        this.log.warn(
          { admin, err: describe(e, this.mask) },
          `telegram: could not set the admin command menu for admin ${admin}; the commands still work when typed. ` +
            'To get the menu, open a private chat with the bot and send /start, then restart hookbot',
        );
      }
    }
  }

  private startPolling() {
    const owner = pollingTokens.get(this.opts.token);
    if (owner && owner !== this.id) {
      this.log.error({ owner }, 'telegram: another bot already polls with this token; this one only sends');
      return;
    }
    pollingTokens.set(this.opts.token, this.id);
    this.polling = true;
    this.bot.start({ allowed_updates: ALLOWED_UPDATES }).then(
      () => (this.polling = false),
      (e) => {
        this.polling = false;
        this.connected = false;
        if (this.stopped) return;
        const f = apiFailure(e);
        if (f?.code === 401) return this.markUnhealthy(describe(e, this.mask));
        // 409: another process polls with this token (or a webhook was set behind our back).
        this.log.error({ err: describe(e, this.mask) }, 'telegram: polling stopped, restarting in 30 s');
        this.retryTimer = setTimeout(() => void this.connect(5), 30_000);
        this.retryTimer.unref(); // a retry never keeps the process alive on its own
      },
    );
  }

  /**
   * The route Telegram posts updates to. A refusal is an HttpError, answered and logged by the server
   * as every other refused request is (`{"error": …}`, masked), so a wrong webhook secret shows in the log.
   */
  private webhookRoute(wh: NonNullable<TelegramOptions['webhook']>): HttpMount {
    let callback: ((ctx: unknown) => Promise<unknown>) | undefined;
    const want = createHash('sha256').update(wh.secret).digest();
    return {
      method: 'POST',
      path: new URL(wh.url).pathname,
      handler: async (ctx) => {
        const got = createHash('sha256').update(ctx.get('X-Telegram-Bot-Api-Secret-Token')).digest();
        // The reason names the header, never the secret.
        if (!timingSafeEqual(got, want)) throw new HttpError(401, 'the X-Telegram-Bot-Api-Secret-Token header does not match webhook.secret');
        // Not ready yet: Telegram retries a non-2xx answer later.
        if (!this.bot.isInited()) throw new HttpError(503, 'the Telegram bot is not ready yet (getMe has not answered)');
        const raw = ctx.state.rawBody as Buffer | undefined;
        try {
          (ctx.request as { body?: unknown }).body = JSON.parse(raw?.toString('utf8') ?? '');
        } catch {
          throw new HttpError(400, 'the body is not a JSON Update');
        }
        // grammY's koa adapter reads ctx.request.body, which we filled above from the raw bytes.
        const cb = (callback ??= webhookCallback(this.bot, 'koa', { secretToken: wh.secret, onTimeout: 'return', timeoutMilliseconds: 9000 }) as (c: unknown) => Promise<unknown>);
        await cb(ctx);
      },
    };
  }

  private async onMessage(msg: TgMessage): Promise<void> {
    const cmd = commandFromMessage(msg, this.id, this.bot.botInfo.username);
    if (!cmd || !this.host) return;
    const reply = await this.host.onCommand(cmd);
    if (!reply?.text) return;
    const chunks = htmlChunks(parseMarkup(reply.text), TEXT_MAX);
    for (const [i, html] of chunks.entries()) {
      await this.withRetries(() =>
        this.bot.api.sendMessage(msg.chat.id, html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(cmd.chat.thread ? { message_thread_id: Number(cmd.chat.thread) } : {}),
          ...(i === 0 ? { reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } } : {}),
        }),
      );
    }
  }

  /** 429 after `retry_after`, 5xx and network errors after 1 s, 2 s; anything else (or a long wait) is thrown. */
  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        const f = apiFailure(e);
        const wait = f?.code === 429 ? Math.max(1, f.retryAfter ?? 1) * 1000 : !f || f.code >= 500 ? 1000 * attempt : undefined;
        if (wait === undefined || wait > REPLY_MAX_WAIT_MS || attempt >= REPLY_TRIES || this.stopped) throw e;
        this.log.warn({ err: describe(e, this.mask), retryInMs: wait }, 'telegram: sending a command reply failed, retrying');
        await delay(wait, undefined, { signal: this.halt.signal });
      }
    }
  }

  // Commands run beside the polling loop, so a slow custom command does not hold up the others.
  private track(p: Promise<void>) {
    const q = p.catch((e) => this.log.error({ err: describe(e, this.mask) }, 'telegram: answering a command failed'));
    this.inflight.add(q);
    void q.finally(() => this.inflight.delete(q));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halt.abort();
    clearTimeout(this.retryTimer);
    if (this.polling) {
      try {
        await this.bot.stop();
      } catch (e) {
        this.log.warn({ err: describe(e, this.mask) }, 'telegram: confirming the last update on stop failed');
      }
      this.polling = false;
    }
    if (pollingTokens.get(this.opts.token) === this.id) pollingTokens.delete(this.opts.token);
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.state.stopped();
  }

  health(): BotHealth {
    return this.state.get();
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

export const telegramBot: BotModule<TelegramOptions> = {
  ...telegramPlatform,
  create: (id, opts, deps) => new TelegramBot(id, opts, deps),
};

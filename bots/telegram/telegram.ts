// The Telegram bot (grammY): delivers Messages as HTML, takes commands by long polling or webhook.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Bot, InputFile, webhookCallback } from 'grammy';
import type { Message as TgMessage } from 'grammy/types';
import type { Logger } from 'pino';
import type { BotAdapter, BotDeps, BotHealth, BotHost, BotModule, ChatRef, HttpMount, SendContext, SendResult } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { parseMarkup } from '../../src/render/markup.js';
import { commandFromMessage } from './command.js';
import { apiFailure, describe, isImageProblem, toDeliveryError } from './errors.js';
import { CAPTION_MAX, TEXT_MAX, htmlChunks, messageSpans } from './html.js';
import { parseTelegramChat, telegramOptions, type TelegramOptions } from './options.js';
import { proxyAgent } from './proxy.js';

type Part = { kind: 'photo'; caption?: string } | { kind: 'text'; html: string };
/** How far a multi-part delivery got, so a retry does not send the parts already there again. */
interface Progress {
  done: number;
  ids: string[];
  photoFailed?: string;
}

// Telegram photos: 10 MB by upload (core.telegram.org/bots/api#sending-files); bigger goes as a document.
const PHOTO_UPLOAD_MAX = 10 * 1024 * 1024;
const MAX_PROGRESS = 10_000;
// Two getUpdates loops on one token make Telegram answer 409 to one of them: one loop per token.
const pollingTokens = new Map<string, string>();
// grammY types its signals with the abort-controller polyfill; Node's own AbortSignal is what it gets at run time.
type GrammySignal = Parameters<Bot['api']['getMe']>[0];
const sig = (s: AbortSignal) => s as unknown as GrammySignal;

export class TelegramBot implements BotAdapter {
  readonly platform = 'telegram';
  private readonly bot: Bot;
  private readonly log: Logger;
  private state: BotHealth;
  private readonly progress = new Map<string, Progress>();
  private readonly moved = new Map<string, string>();
  private readonly inflight = new Set<Promise<void>>();
  private host?: BotHost;
  private polling = false;
  private connected = false;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    readonly id: string,
    private readonly opts: TelegramOptions,
    private readonly deps: BotDeps,
  ) {
    this.log = deps.logger.child({ platform: 'telegram' });
    this.state = { state: 'starting', since: this.now() };
    this.bot = new Bot(opts.token, {
      client: {
        apiRoot: opts.apiRoot,
        // Above the 30 s long-poll timeout; sends are bounded by the worker's signal instead.
        timeoutSeconds: 60,
        ...(opts.proxy ? { baseFetchConfig: { agent: proxyAgent(opts.proxy), compress: true } } : {}),
      },
    });
    this.bot.on('message', (ctx) => {
      this.track(this.onMessage(ctx.message));
    });
    this.bot.catch((err) => this.log.error({ err: describe(err.error, opts.token) }, 'telegram: handling an update failed'));
  }

  parseChat(raw: string): { chat: string; thread?: string } {
    return parseTelegramChat(raw);
  }

  async send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    let chat = this.moved.get(to.chat) ?? to.chat;
    let movedTo = chat !== to.chat ? chat : undefined;
    const prog = this.progress.get(ctx.key) ?? { done: 0, ids: [] };
    let parts = this.plan(msg, prog.photoFailed);
    let migrations = 0;
    while (prog.done < parts.length) {
      const part = parts[prog.done]!;
      try {
        // One notification per message: the parts after the first are always silent.
        prog.ids.push(await this.sendPart(chat, to.thread, part, msg, msg.silent || prog.done > 0, ctx.signal));
        prog.done++;
      } catch (e) {
        const f = apiFailure(e);
        if (f?.migrateTo !== undefined && migrations++ < 2) {
          // A group upgraded to a supergroup has a new id; Telegram says which (ResponseParameters).
          const next = String(f.migrateTo);
          this.log.warn({ from: chat, to: next }, 'telegram: group moved to a supergroup, sending there');
          this.moved.set(to.chat, next);
          chat = movedTo = next;
          continue;
        }
        if (part.kind === 'photo' && isImageProblem(e)) {
          // The picture is bad, not the chat: the text goes anyway, saying why there is no picture.
          prog.photoFailed = describe(e, this.opts.token);
          this.log.warn({ chat, reason: prog.photoFailed }, 'telegram: image not sent, sending the text alone');
          parts = this.plan(msg, prog.photoFailed);
          continue;
        }
        this.remember(ctx.key, prog);
        throw this.fail(e);
      }
    }
    this.progress.delete(ctx.key);
    if (this.state.state === 'unhealthy') {
      // The Bot API takes our token again (a proxy or self-hosted server was fixed): resume commands too.
      this.state = { state: 'ok', since: this.now() };
      if (!this.connected && this.host && !this.stopped) void this.connect(0);
    }
    return { messageIds: prog.ids, ...(movedTo ? { movedTo } : {}) };
  }

  private plan(msg: Message, photoFailed?: string): Part[] {
    const spans = messageSpans(msg, photoFailed ? `(image not sent: ${photoFailed})` : undefined);
    const texts = (): Part[] => htmlChunks(spans, TEXT_MAX).map((html) => ({ kind: 'text', html }));
    let parts: Part[];
    if (msg.image && !photoFailed) {
      const caption = htmlChunks(spans, CAPTION_MAX);
      parts = caption.length <= 1 ? [{ kind: 'photo', caption: caption[0] }] : [{ kind: 'photo' }, ...texts()];
    } else parts = texts();
    if (parts.length === 0) throw new DeliveryError('the message is empty: no title, text, fields, link or image', { retryable: false });
    return parts;
  }

  private async sendPart(chat: string, thread: string | undefined, part: Part, msg: Message, silent: boolean, signal: AbortSignal): Promise<string> {
    const chatId = /^-?\d+$/.test(chat) ? Number(chat) : chat;
    const common = {
      ...(thread ? { message_thread_id: Number(thread) } : {}),
      ...(silent ? { disable_notification: true } : {}),
    };
    if (part.kind === 'text') {
      const sent = await this.bot.api.sendMessage(
        chatId,
        part.html,
        { parse_mode: 'HTML', ...(this.opts.linkPreviews ? {} : { link_preview_options: { is_disabled: true } }), ...common },
        sig(signal),
      );
      return String(sent.message_id);
    }
    const image = msg.image!;
    const caption = part.caption ? { caption: part.caption, parse_mode: 'HTML' as const } : {};
    if ('url' in image) return String((await this.bot.api.sendPhoto(chatId, image.url, { ...caption, ...common }, sig(signal))).message_id);
    const file = new InputFile(image.data, image.filename);
    const sent =
      image.data.length > PHOTO_UPLOAD_MAX
        ? await this.bot.api.sendDocument(chatId, file, { ...caption, ...common }, sig(signal))
        : await this.bot.api.sendPhoto(chatId, file, { ...caption, ...common }, sig(signal));
    return String(sent.message_id);
  }

  private remember(key: string, prog: Progress) {
    if (prog.done === 0 && !prog.photoFailed) return;
    this.progress.delete(key);
    this.progress.set(key, prog);
    if (this.progress.size > MAX_PROGRESS) this.progress.delete(this.progress.keys().next().value!);
  }

  private fail(e: unknown): DeliveryError {
    if (e instanceof DeliveryError) return e;
    const err = toDeliveryError(e, this.opts.token);
    if (err.unhealthy) this.markUnhealthy(err.message);
    return err;
  }

  private markUnhealthy(reason: string) {
    if (this.state.state !== 'unhealthy') {
      this.log.error(
        { reason },
        'telegram: THE BOT TOKEN OR apiRoot IS NOT ACCEPTED — deliveries are held until it is fixed (check the token with @BotFather)',
      );
    }
    this.state = { state: 'unhealthy', reason, since: this.now() };
  }

  async start(host: BotHost): Promise<void> {
    this.host = host;
    this.stopped = false;
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
        await this.bot.api.setWebhook(this.opts.webhook.url, { secret_token: this.opts.webhook.secret, allowed_updates: ['message'] });
      } else this.startPolling();
      this.connected = true;
      this.state = { state: 'ok', since: this.now() };
      this.log.info({ username: this.bot.botInfo.username, mode: this.opts.webhook ? 'webhook' : 'polling' }, 'telegram: bot started');
    } catch (e) {
      const err = toDeliveryError(e, this.opts.token);
      if (err.unhealthy) return this.markUnhealthy(err.message);
      const delay = Math.min(60_000, 1000 * 2 ** attempt);
      this.log.warn({ err: err.message, retryInMs: delay }, 'telegram: cannot reach the Bot API, will retry');
      this.retryTimer = setTimeout(() => void this.connect(attempt + 1), delay);
    }
  }

  private async publishCommands() {
    const commands = (this.host?.commands() ?? [])
      .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
      .slice(0, 100)
      .map((c) => ({ command: c.name, description: (c.description || c.name).slice(0, 256) }));
    if (commands.length === 0) return;
    try {
      await this.bot.api.setMyCommands(commands);
    } catch (e) {
      if (toDeliveryError(e).unhealthy) throw e;
      this.log.warn({ err: describe(e, this.opts.token) }, 'telegram: setMyCommands failed; commands still work, the menu is not updated');
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
    this.bot.start({ allowed_updates: ['message'] }).then(
      () => (this.polling = false),
      (e) => {
        this.polling = false;
        this.connected = false;
        if (this.stopped) return;
        const f = apiFailure(e);
        if (f?.code === 401) return this.markUnhealthy(describe(e));
        // 409: another process polls with this token (or a webhook was set behind our back).
        this.log.error({ err: describe(e, this.opts.token) }, 'telegram: polling stopped, restarting in 30 s');
        this.retryTimer = setTimeout(() => void this.connect(5), 30_000);
      },
    );
  }

  private webhookRoute(wh: NonNullable<TelegramOptions['webhook']>): HttpMount {
    let callback: ((ctx: unknown) => Promise<unknown>) | undefined;
    const want = createHash('sha256').update(wh.secret).digest();
    return {
      method: 'POST',
      path: new URL(wh.url).pathname,
      handler: async (ctx) => {
        const got = createHash('sha256').update(ctx.get('X-Telegram-Bot-Api-Secret-Token')).digest();
        if (!timingSafeEqual(got, want)) {
          ctx.status = 401;
          return;
        }
        // Not ready yet: Telegram retries a non-2xx answer later.
        if (!this.bot.isInited()) {
          ctx.status = 503;
          return;
        }
        const raw = ctx.state.rawBody as Buffer | undefined;
        try {
          (ctx.request as { body?: unknown }).body = JSON.parse(raw?.toString('utf8') ?? '');
        } catch {
          ctx.status = 400;
          ctx.body = 'the body is not a JSON Update';
          return;
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
      await this.bot.api.sendMessage(msg.chat.id, html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(cmd.chat.thread ? { message_thread_id: Number(cmd.chat.thread) } : {}),
        ...(i === 0 ? { reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } } : {}),
      });
    }
  }

  // Commands run beside the polling loop, so a slow custom command does not hold up the others.
  private track(p: Promise<void>) {
    const q = p.catch((e) => this.log.error({ err: describe(e, this.opts.token) }, 'telegram: answering a command failed'));
    this.inflight.add(q);
    void q.finally(() => this.inflight.delete(q));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.polling) {
      try {
        await this.bot.stop();
      } catch (e) {
        this.log.warn({ err: describe(e, this.opts.token) }, 'telegram: confirming the last update on stop failed');
      }
      this.polling = false;
    }
    if (pollingTokens.get(this.opts.token) === this.id) pollingTokens.delete(this.opts.token);
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.state = { state: 'stopped', since: this.now() };
  }

  health(): BotHealth {
    return this.state;
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

export const telegramBot: BotModule<TelegramOptions> = {
  platform: 'telegram',
  options: telegramOptions,
  // Bot FAQ: about 1 message/s in one chat, 20/min in a group, 30/s in total.
  limits: {
    user: { count: 1, perMs: 1000 },
    group: { count: 20, perMs: 60_000 },
    bot: { count: 30, perMs: 1000 },
  },
  create: (id, opts, deps) => new TelegramBot(id, opts, deps),
};

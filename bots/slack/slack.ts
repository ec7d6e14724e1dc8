// The Slack bot: delivers with @slack/web-api (Block Kit messages, the external file upload,
// DMs via conversations.open) and takes commands over Socket Mode (socket-client.ts, on ws) or HTTP
// mode (http-mode.ts, on hookbot's own server).
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { BotAdapter, BotDeps, BotHealth, BotHost, BotModule, ChatRef, SendContext, SendResult } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { imageAsLink, slackPosts, type Block } from './blocks.js';
import { imageRefused, maskSecrets, toDeliveryError } from './errors.js';
import { slackLogger } from './logger.js';
import { proxyAgent } from '../../src/kit/proxy.js';
import { httpClient, type HttpClient } from '../../src/kit/http-client.js';
import type { SlackOptions } from './options.js';
export type { SlackOptions } from './options.js';
import { parseSlackChat, slackPlatform } from './platform.js';
import { Health } from '../../src/kit/health.js';
import { secretValues } from '../../src/kit/secrets.js';
import type { ReceiverSetup } from './receiver.js';
import { httpMode } from './http-mode.js';
import { socketMode } from './socket-mode.js';
import type { SocketLink } from './socket-link.js';

/** Remembered per delivery key so a retry after a partial send continues where it stopped. */
interface Progress {
  ts: string[];
  fileId?: string;
}
const MAX_PROGRESS = 5000;

export class SlackBot implements BotAdapter {
  readonly platform = 'slack';
  readonly client: WebClient;
  private readonly clientOptions: WebClientOptions;
  private readonly secrets: string[];
  /**
   * The kit's client, through the proxy when there is one: the Web API calls and response_url posts.
   * Not Node's global fetch, @slack/web-api's default: the first use of that loads Node's own copy
   * of undici (about 5 MB resident).
   */
  private readonly fetch: HttpClient;
  private readonly dms = new Map<string, Promise<string>>();
  private readonly progress = new Map<string, Progress>();
  private readonly state: Health;
  private phase: 'starting' | 'running' | 'stopped' = 'starting';
  /** The token was refused (by a send or auth.test): deliveries are held until it works again. */
  private tokenProblem?: string;
  /** Commands cannot be taken (Socket Mode refused, Slack unreachable at start). */
  private commandProblem?: string;
  /**
   * The command problem needs a person (an app-level token refused, a receiver that cannot start):
   * unhealthy. Otherwise it is a connection being retried: `starting`, with the reason, as the other
   * platforms show one, so /healthz does not fail over a network blip that deliveries ride out.
   */
  private commandFatal = false;
  private retryTimer?: NodeJS.Timeout;
  private link?: SocketLink;
  private botUserId?: string;

  constructor(
    readonly id: string,
    private readonly opts: SlackOptions,
    private readonly deps: BotDeps,
  ) {
    this.secrets = secretValues(opts, slackPlatform.capabilities.secrets);
    this.fetch = httpClient({ proxy: opts.proxy });
    this.clientOptions = {
      slackApiUrl: opts.apiRoot,
      // The worker owns retries and waits: fail fast, and surface 429s instead of sleeping on them.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: opts.timeoutMs,
      logger: slackLogger(deps.logger.child({ bot: id }), this.secrets),
      fetch: this.fetch as unknown as typeof fetch,
    };
    this.client = new WebClient(opts.token, this.clientOptions);
    this.state = new Health(deps.clock);
  }

  parseChat(raw: string): { chat: string; thread?: string } {
    return parseSlackChat(raw);
  }

  async send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    try {
      // A user id is a person wherever it was written (send_to or send_to_group): post into the DM.
      const channel = /^[UW]/.test(to.chat) ? await abortable(this.dmChannel(to.chat), ctx.signal) : to.chat;
      const posts = slackPosts(msg);
      const done = this.progress.get(ctx.key) ?? { ts: [] };
      const first = done.ts.length;
      for (let i = first; i < posts.length; i++) {
        const p = posts[i]!;
        // Each post counts against the channel's 1/s: past the first of this call it waits for its place.
        const wait = i > first ? (ctx.pace?.() ?? 0) : 0;
        if (wait > 0) throw new DeliveryError(`${i} of ${posts.length} messages sent; the rest waits for the channel's rate limit`, { retryable: true, retryAfterMs: wait });
        const post = (blocks: Block[]) =>
          abortable(this.client.chat.postMessage({ channel, thread_ts: to.thread, text: p.text, blocks: blocks as never, unfurl_links: false }), ctx.signal);
        // Slack downloads image URLs while taking the message and refuses all of it when it cannot
        // ("downloading image failed"): the notice matters more than the picture, so link to it instead.
        const res = await post(p.blocks).catch((e: unknown) => (imageRefused(e) ? post(p.blocks.map(imageAsLink)) : Promise.reject(e)));
        done.ts.push(String(res.ts));
        this.remember(ctx.key, done);
      }
      if (msg.image && 'data' in msg.image && !done.fileId) {
        const img = msg.image;
        // files.getUploadURLExternal → POST the bytes → files.completeUploadExternal (filesUploadV2).
        const res = await abortable(
          this.client.filesUploadV2({ channel_id: channel, thread_ts: to.thread, file: img.data, filename: img.filename, title: msg.title ?? img.filename } as never),
          ctx.signal,
        );
        const files = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
        done.fileId = files[0]?.files?.[0]?.id ?? 'uploaded';
      }
      this.progress.delete(ctx.key);
      this.tokenProblem = undefined;
      return { messageIds: [...done.ts, ...(done.fileId ? [done.fileId] : [])], paced: true };
    } catch (e) {
      const err = toDeliveryError(e, this.secrets);
      if (err.unhealthy) this.tokenProblem = err.message;
      throw err;
    }
  }

  private remember(key: string, p: Progress) {
    this.progress.set(key, p);
    if (this.progress.size > MAX_PROGRESS) this.progress.delete(this.progress.keys().next().value!);
  }

  /** The DM channel with a user: conversations.open once per user, cached (also across concurrent sends). */
  private dmChannel(user: string): Promise<string> {
    let p = this.dms.get(user);
    if (!p) {
      p = this.client.conversations.open({ users: user }).then((r) => String(r.channel?.id));
      p.catch(() => this.dms.delete(user));
      this.dms.set(user, p);
    }
    return p;
  }

  async start(host: BotHost): Promise<void> {
    this.phase = 'running';
    await this.connectCommands(host, 0);
  }

  // auth.test first (it tells us our own user id, to find our mentions), then the receiver.
  private async connectCommands(host: BotHost, attempt: number): Promise<void> {
    if (this.phase !== 'running') return;
    let auth;
    try {
      auth = await this.client.auth.test();
    } catch (e) {
      const err = toDeliveryError(e, this.secrets);
      if (err.unhealthy) {
        // A bad token needs a person: say so, and do not hammer Slack with it.
        this.tokenProblem = `auth.test: ${err.message}`;
        this.deps.logger.error({ bot: this.id }, `slack: the bot token was refused (${err.message}); fix it and restart`);
        return;
      }
      const waitMs = Math.min(5000 * 2 ** attempt, 300_000);
      this.commandProblem = `auth.test: ${err.message}; trying again in ${Math.round(waitMs / 1000)} s`;
      this.commandFatal = false;
      this.deps.logger.warn({ bot: this.id }, `slack: ${this.commandProblem}`);
      this.retryTimer = setTimeout(() => void this.connectCommands(host, attempt + 1), waitMs);
      this.retryTimer.unref();
      return;
    }
    this.botUserId = auth.user_id;
    this.commandProblem = undefined;
    const setup: ReceiverSetup = {
      botId: this.id,
      botUserId: String(auth.user_id),
      slackBotId: auth.bot_id,
      client: this.client,
      fetch: this.fetch,
      timeoutMs: this.opts.timeoutMs,
      logger: this.clientOptions.logger!,
      command: this.opts.command,
      host,
      ackWithinMs: 2500,
      clock: this.deps.clock,
    };
    try {
      if (this.opts.appToken) {
        // The WebSocket takes a Node agent of its own for the proxy; the Web API calls have the client's.
        const agent = this.opts.proxy ? proxyAgent(this.opts.proxy) : undefined;
        const link = socketMode(setup, this.opts.appToken, { secrets: this.secrets, report: (p, fatal) => this.socketState(p, fatal) }, this.clientOptions, agent);
        this.link = link;
        await link.start();
      } else if (this.opts.signingSecret) {
        host.mount(httpMode(setup, this.opts.signingSecret, this.opts.eventsPath, this.deps.clock, () => this.phase !== 'running'));
      }
    } catch (e) {
      const reason = maskSecrets((e as Error).message, this.secrets);
      this.commandProblem = `commands: ${reason}`;
      this.commandFatal = true;
      this.deps.logger.error({ bot: this.id }, `slack: cannot take commands: ${reason}`);
    }
  }

  private socketState(problem: string | undefined, fatal = false): void {
    const before = this.commandProblem;
    this.commandProblem = problem && `commands: ${problem}`;
    this.commandFatal = fatal;
    // Said once per change: a reconnection failing the same way every minute is one line, not one a minute.
    if (problem && this.commandProblem !== before) (fatal ? this.deps.logger.error : this.deps.logger.warn).call(this.deps.logger, { bot: this.id }, `slack: ${this.commandProblem}`);
    else if (!problem && before) this.deps.logger.info({ bot: this.id }, 'slack: Socket Mode connected again; taking commands');
  }

  async stop(): Promise<void> {
    this.phase = 'stopped';
    clearTimeout(this.retryTimer);
    // HTTP mode has no server of its own to stop; Socket Mode closes its WebSocket.
    await this.link?.stop();
    this.link = undefined;
  }

  health(): BotHealth {
    const needsPerson = this.tokenProblem ?? (this.commandFatal ? this.commandProblem : undefined);
    const retrying = this.commandProblem;
    const state = this.phase === 'stopped' ? 'stopped' : needsPerson ? 'unhealthy' : retrying || this.phase !== 'running' ? 'starting' : 'ok';
    if (state === 'unhealthy') this.state.unhealthy(needsPerson!);
    else if (state === 'starting') this.state.starting(retrying);
    else if (state === 'ok') this.state.ok();
    else this.state.stopped();
    return this.state.get();
  }

  get userId(): string | undefined {
    return this.botUserId;
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DeliveryError('aborted', { retryable: true }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeliveryError('aborted: the send took too long', { retryable: true }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export const slackBot: BotModule<SlackOptions> = {
  ...slackPlatform,
  create: (id, opts, deps) => new SlackBot(id, opts, deps),
};

// QQ through OneBot v11 (NapCat, Lagrange.OneBot, go-cqhttp). Sends over the implementation's HTTP
// API when `url` is set, else over the reverse WebSocket; takes commands from the reverse WebSocket
// it serves on hookbot's port, whose lifecycle and heartbeat events drive the bot's health.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { BotAdapter, BotDeps, BotHealth, BotHost, BotModule, ChatCommand, ChatRef, SendContext, SendResult } from '../../src/bot.js';
import { DeliveryError } from '../../src/bot.js';
import { safeEqual } from '../../src/auth/guard.js';
import { Reconnector } from '../../src/kit/backoff.js';
import { Health } from '../../src/kit/health.js';
import { httpClient, type HttpAnswer, type HttpClient } from '../../src/kit/http-client.js';
import { masker } from '../../src/kit/secrets.js';
import type { Message } from '../../src/message.js';
import { parseMarkup } from '../../src/render/markup.js';
import { splitToFit } from '../../src/render/fit.js';
import { commandFromEvent } from './command.js';
import { parseQQChat, type OnebotOptions } from './options.js';
import { httpFailure, outcomeOf, UNKNOWN_OUTCOME_RETRY_MS, type ApiAnswer } from './outcome.js';
import { onebotPlatform } from './platform.js';
import { qqText, toSegments, type Segment } from './segments.js';
import { OneBotSocket } from './socket.js';

const MAX_PROGRESS = 5000;


export class OneBotBot implements BotAdapter {
  readonly platform = 'onebot';
  private readonly health$: Health;
  private readonly log: Logger;
  private readonly mask: (t: string) => string;
  /** The HTTP API's client (node:http, through the proxy when there is one); bounded by timeoutMs. */
  private readonly client: HttpClient;
  private readonly configKey: string;
  private host?: BotHost;
  private socket?: OneBotSocket;
  private stopped = false;
  /** Needs a person: the access token refused, the URL wrong, the account logged out. */
  private problem?: string;
  /** Connecting or reconnecting: the reason health shows as `starting`. */
  private waiting?: string;
  private watchdog?: NodeJS.Timeout;
  private probe?: Reconnector;
  private readonly refusalsLogged = new Set<string>();
  private readonly progress = new Map<string, string[]>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly turns = new Map<string, Promise<void>>();
  private readonly lastSent = new Map<string, number>();
  /** The account QQ says it is (get_login_info, X-Self-ID). */
  selfId?: string;
  /** Emits `health` on every change of state or reason (for tests and the start-up log). */
  readonly events = new EventEmitter();

  constructor(
    readonly id: string,
    private readonly opts: OnebotOptions,
    private readonly deps: BotDeps,
  ) {
    this.log = deps.logger.child({ platform: 'onebot' });
    this.configKey = `bots.${id}`;
    this.mask = masker([opts.accessToken]);
    this.client = httpClient({ proxy: opts.proxy, timeoutMs: opts.timeoutMs });
    this.selfId = opts.selfId;
    this.health$ = new Health(deps.clock, (h, before) => {
      this.events.emit('health', h);
      if (h.state === 'unhealthy') this.log.error({ reason: h.reason }, `onebot: ${h.reason}`);
      else if (h.state === 'starting' && h.reason && before.state === 'ok') this.log.warn({ reason: h.reason }, `onebot: ${h.reason}`);
      else if (h.state === 'ok' && before.state !== 'ok') this.log.info({ selfId: this.selfId }, 'onebot: QQ connected');
    });
    this.waiting = opts.url ? 'checking the OneBot HTTP server' : `waiting for QQ to connect the reverse WebSocket at ${opts.path}`;
  }

  parseChat(raw: string): { chat: string; thread?: string } {
    return parseQQChat(raw);
  }

  health(): BotHealth {
    return this.health$.get();
  }

  private refresh(): void {
    if (this.stopped) this.health$.stopped();
    else if (this.problem) this.health$.unhealthy(this.problem);
    else if (this.waiting) this.health$.starting(this.waiting);
    else this.health$.ok();
  }

  async send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    const messages = toSegments(msg, this.opts.maxChars);
    // A retry after a partial send goes on from the first message QQ did not confirm.
    const done = this.progress.get(ctx.key) ?? [];
    const first = done.length;
    for (let i = first; i < messages.length; i++) {
      // Each message counts against the chat's pace (risk control): past the first of this call it waits its turn.
      const wait = i > first ? (ctx.pace?.() ?? 0) : 0;
      if (wait > 0) throw new DeliveryError(`${i} of ${messages.length} messages sent; the rest waits for the chat's rate limit`, { retryable: true, retryAfterMs: wait });
      const id = await this.sendOne(to.kind, to.chat, messages[i]!, ctx.signal);
      done.push(id ?? `${ctx.key}#${i}`);
      this.progress.set(ctx.key, done);
      if (this.progress.size > MAX_PROGRESS) this.progress.delete(this.progress.keys().next().value!);
    }
    this.progress.delete(ctx.key);
    return { messageIds: done, paced: true };
  }

  private async sendOne(kind: ChatRef['kind'], chat: string, message: Segment[], signal: AbortSignal): Promise<string | undefined> {
    const [action, key] = kind === 'group' ? ['send_group_msg', 'group_id'] : ['send_private_msg', 'user_id'];
    try {
      const answer = await this.inTurn(`${kind}:${chat}`, signal, () => this.call(action, { [key]: Number(chat), message }, signal));
      const id = outcomeOf(answer, this.opts.url ? 'the OneBot HTTP server' : 'the OneBot implementation', this.configKey);
      if (this.problem && this.opts.url) {
        // The token works again (fixed in NapCat): deliveries resume.
        this.problem = undefined;
        this.refresh();
      }
      return id;
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError(this.mask(String((e as Error)?.message ?? e)), { retryable: true });
      if (err.unhealthy) {
        this.problem = err.message;
        this.refresh();
      }
      throw new DeliveryError(this.mask(err.message), { retryable: err.retryable, retryAfterMs: err.retryAfterMs, unhealthy: err.unhealthy });
    }
  }

  /**
   * Runs `send` when the chat's turn comes: after the sends before it, `chatGapMs` after the last.
   * Command replies do not pass the worker's rate limiter, and risk control counts them too.
   */
  private async inTurn<T>(chat: string, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
    const before = this.turns.get(chat) ?? Promise.resolve();
    let release!: () => void;
    const mine = before.then(() => new Promise<void>((r) => (release = r)));
    this.turns.set(chat, mine);
    await before;
    try {
      const wait = (this.lastSent.get(chat) ?? Number.NEGATIVE_INFINITY) + this.opts.chatGapMs - this.deps.clock.now();
      if (wait > 0) await delay(wait, undefined, { signal }).catch(() => Promise.reject(new DeliveryError('aborted while waiting for the chat’s turn', { retryable: true })));
      return await send();
    } finally {
      this.lastSent.set(chat, this.deps.clock.now());
      if (this.lastSent.size > MAX_PROGRESS) this.lastSent.delete(this.lastSent.keys().next().value!);
      await Promise.resolve();
      release();
      if (this.turns.get(chat) === mine) this.turns.delete(chat);
    }
  }

  /** One API call: over HTTP when `url` is set, else over the reverse WebSocket. */
  private call(action: string, params: Record<string, unknown>, signal: AbortSignal): Promise<ApiAnswer> {
    if (this.opts.url) return this.http(action, params, signal);
    if (!this.socket?.open) {
      return Promise.reject(new DeliveryError(`QQ is not connected: no ${this.configKey}.url is set and no reverse WebSocket is open at ${this.opts.path}`, { retryable: true }));
    }
    return this.socket.call(action, params, this.opts.timeoutMs, signal);
  }

  private async http(action: string, params: Record<string, unknown>, signal: AbortSignal): Promise<ApiAnswer> {
    let res: HttpAnswer;
    try {
      res = await this.client(`${this.opts.url}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.opts.accessToken}` },
        body: JSON.stringify(params),
        signal,
      });
    } catch (e) {
      const name = (e as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new DeliveryError(`QQ did not answer ${action} in time; the message may have arrived, so it is tried once more after a minute`, { retryable: true, retryAfterMs: UNKNOWN_OUTCOME_RETRY_MS });
      }
      // Built from the error's code only: its text may quote the address.
      const err = e as { code?: string; cause?: { code?: string } };
      const code = (err?.code ?? err?.cause?.code ?? 'network error').replace(/[^\w-]/g, '');
      throw new DeliveryError(`cannot reach the OneBot HTTP server at ${this.configKey}.url (${code})`, { retryable: true });
    }
    if (res.status !== 200) {
      res.body.resume();
      throw httpFailure(res.status, this.configKey);
    }
    try {
      return (await res.json()) as ApiAnswer;
    } catch {
      throw new DeliveryError(`the OneBot HTTP server at ${this.configKey}.url answered ${action} with something that is not JSON`, { retryable: true, retryAfterMs: UNKNOWN_OUTCOME_RETRY_MS });
    }
  }

  async start(host: BotHost): Promise<void> {
    this.host = host;
    this.stopped = false;
    if (host.mountWebSocket) host.mountWebSocket({ path: this.opts.path, accept: (req, url) => this.accept(req, url), open: (ws, req) => this.open(ws, req) });
    this.refresh();
    if (!this.opts.url) return;
    this.probe = new Reconnector({ firstMs: 2000, maxMs: 120_000, jitter: 0.2 }, () => this.checkHttp(), (e, inMs) => {
      this.waiting = `${this.mask(String((e as Error).message))}; trying again in ${Math.round(inMs / 1000)} s`;
      this.refresh();
    });
    this.probe.start();
  }

  /** get_login_info over HTTP: the token and URL work. True when done, false when a person is needed. */
  private async checkHttp(): Promise<boolean> {
    const answer = await this.http('get_login_info', {}, AbortSignal.timeout(this.opts.timeoutMs)).catch((e: unknown) => {
      if (e instanceof DeliveryError && e.unhealthy) {
        this.problem = e.message;
        this.refresh();
        return undefined;
      }
      throw e;
    });
    if (!answer) return false;
    const uid = (answer.data as { user_id?: unknown } | null)?.user_id;
    if (answer.status === 'ok' && uid !== undefined) this.selfId ??= String(uid);
    if (this.waiting === 'checking the OneBot HTTP server' || !this.socket) this.waiting = undefined;
    this.refresh();
    return true;
  }

  /** Before the upgrade: the token (Bearer, go-cqhttp's Token, or ?access_token=) and the account. */
  private accept(req: IncomingMessage, url: URL): { status: number; reason: string } | undefined {
    const header = String(req.headers['authorization'] ?? '');
    const given = /^(?:Bearer|Token)\s+(.+)$/i.exec(header)?.[1]?.trim() ?? url.searchParams.get('access_token') ?? undefined;
    let refusal: { status: number; reason: string } | undefined;
    if (!given) refusal = { status: 401, reason: `no access token: set the token in NapCat's websocketClients (Lagrange: AccessToken) to ${this.configKey}.accessToken` };
    else if (!safeEqual(given, this.opts.accessToken)) refusal = { status: 401, reason: `wrong access token: the token in NapCat's websocketClients (Lagrange: AccessToken) must be ${this.configKey}.accessToken` };
    else {
      const self = String(req.headers['x-self-id'] ?? '');
      if (this.opts.selfId && self !== this.opts.selfId) refusal = { status: 403, reason: `X-Self-ID '${self.slice(0, 20)}' is not ${this.configKey}.selfId (${this.opts.selfId}): another QQ account connected here` };
    }
    if (refusal) {
      // NapCat reconnects every few seconds: say it once per reason and address, not every time.
      const key = `${refusal.status} ${refusal.reason} ${req.socket.remoteAddress}`;
      if (!this.refusalsLogged.has(key)) {
        this.refusalsLogged.add(key);
        this.log.warn({ status: refusal.status, remote: req.socket.remoteAddress }, `onebot: refused a reverse WebSocket: ${refusal.reason}`);
      } else this.log.debug({ status: refusal.status }, 'onebot: refused a reverse WebSocket again');
    }
    return refusal;
  }

  private open(ws: WebSocket, req: IncomingMessage): void {
    if (this.stopped) return void ws.close(1001, 'stopping');
    // One live socket per account: a newer one (NapCat reconnected) replaces the older.
    this.socket?.close(1000, 'replaced by a newer connection');
    const socket = new OneBotSocket(
      ws,
      (ev, raw) => this.onEvent(ev, raw),
      () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        clearTimeout(this.watchdog);
        if (!this.stopped) this.waiting = 'the reverse WebSocket from QQ closed; waiting for it to reconnect (NapCat retries every few seconds)';
        this.refresh();
      },
    );
    this.socket = socket;
    const self = String(req.headers['x-self-id'] ?? '');
    if (/^\d+$/.test(self)) this.selfId = self;
    this.waiting = undefined;
    this.refresh();
  }

  private onEvent(ev: Record<string, unknown> | undefined, raw: string): void {
    if (!ev) return void this.log.debug({ frame: this.mask(raw.slice(0, 200)) }, 'onebot: ignored a frame that is not a JSON object');
    const type = ev['post_type'];
    if (type === 'meta_event') return this.onMeta(ev);
    if (type === 'message') {
      const cmd = commandFromEvent(ev, this.id);
      if (cmd) this.track(this.answer(cmd, ev['message_id']));
      return;
    }
    // notice, request, message_sent (our own messages), or something unknown: not for us.
    if (typeof type !== 'string') this.log.debug({ frame: this.mask(raw.slice(0, 200)) }, 'onebot: ignored a frame without post_type');
  }

  private onMeta(ev: Record<string, unknown>): void {
    if (ev['meta_event_type'] !== 'heartbeat') return;
    const status = ev['status'] as { online?: unknown } | undefined;
    const offline = 'QQ reports the account offline (heartbeat status.online is false): log it in again in NapCat';
    if (status?.online === false) this.problem = offline;
    else if (this.problem === offline) this.problem = undefined;
    const interval = Number(ev['interval']);
    if (Number.isFinite(interval) && interval > 0) {
      clearTimeout(this.watchdog);
      this.watchdog = setTimeout(() => {
        this.waiting = `no heartbeat from QQ for ${Math.round((3 * interval) / 1000)} s (three intervals): is NapCat running?`;
        this.refresh();
      }, 3 * interval);
      this.watchdog.unref();
    }
    if (this.waiting?.startsWith('no heartbeat')) this.waiting = undefined;
    this.refresh();
  }

  private async answer(cmd: ChatCommand, messageId: unknown): Promise<void> {
    const reply = await this.host?.onCommand(cmd);
    if (!reply?.text) return;
    const texts = splitToFit(parseMarkup(reply.text), this.opts.maxChars, qqText).filter((t) => t.trim());
    for (const [i, text] of texts.entries()) {
      const segments: Segment[] = [{ type: 'text', data: { text } }];
      // In a group, the first part quotes the command, so it is clear whom it answers.
      if (i === 0 && cmd.chat.kind === 'group' && (typeof messageId === 'number' || typeof messageId === 'string')) segments.unshift({ type: 'reply', data: { id: String(messageId) } });
      await this.sendOne(cmd.chat.kind, cmd.chat.id, segments, AbortSignal.timeout(this.opts.timeoutMs));
    }
  }

  private track(p: Promise<void>) {
    const q = p.catch((e) => this.log.error({ err: this.mask(String((e as Error)?.message ?? e)) }, 'onebot: answering a command failed'));
    this.inflight.add(q);
    void q.finally(() => this.inflight.delete(q));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.probe?.stop();
    clearTimeout(this.watchdog);
    this.socket?.close(1001, 'hookbot is stopping');
    this.socket = undefined;
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.refresh();
  }
}

export const onebotBot: BotModule<OnebotOptions> = {
  ...onebotPlatform,
  create: (id, opts, deps) => new OneBotBot(id, opts, deps),
};

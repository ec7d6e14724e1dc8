// The BotAdapter contract: one implementation per platform under bots/<platform>/.
import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Message } from './message.js';
import type { Clock } from './clock.js';

export type ChatKind = 'user' | 'group';

/** Where a delivery goes, after the target string `<bot>:<chat>[/<thread>]` was resolved. */
export interface ChatRef {
  chat: string;
  thread?: string;
  /** `user` for send_to (Discord and Slack open a DM), `group` for send_to_group. */
  kind: ChatKind;
}

export interface SendContext {
  signal: AbortSignal;
  /** Stable per delivery across retries and restarts: adapters that can dedup (Discord nonce) use it. */
  key: string;
  /**
   * For a delivery sent as several platform messages: call before each message after the first one
   * of this call. 0 = it may go now (its place in the rate limits is taken); otherwise the
   * milliseconds to wait — remember how far the delivery got, and throw a retryable DeliveryError with
   * that `retryAfterMs`: the rest goes on the next try. An adapter that does so says `paced` in its result.
   */
  pace?: () => number;
}

export interface SendResult {
  /** Platform message ids, for the log and `recent`. */
  messageIds?: string[];
  /** The chat moved (Telegram group → supergroup); the worker remembers it for later deliveries. */
  movedTo?: string;
  /** Every message after the first went through `SendContext.pace`: none is left to count against the limits. */
  paced?: boolean;
}

/**
 * Thrown by `send`, never a `false` return. `retryable` decides retry vs dead letter;
 * `retryAfterMs` is the platform's own wait (Telegram retry_after, Retry-After header);
 * `unhealthy` means the bot itself is broken (bad token): deliveries are held, not dead-lettered.
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly unhealthy: boolean;
  constructor(reason: string, opts: { retryable: boolean; retryAfterMs?: number; unhealthy?: boolean; cause?: unknown }) {
    super(reason, { cause: opts.cause });
    this.name = 'DeliveryError';
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.unhealthy = opts.unhealthy ?? false;
  }
}

/** A command a chat user sent, in platform-neutral form. */
export interface ChatCommand {
  /** Bot id from the config (`telegram`, `ops-bot`, …). */
  bot: string;
  platform: string;
  /** Lower-case command name without the slash or @botname. */
  name: string;
  /** Everything after the command name, trimmed. */
  args: string;
  user: { id: string; name?: string };
  chat: { id: string; thread?: string; kind: ChatKind };
  /**
   * The platform says the command was meant for this bot (a Slack or Discord slash command, a
   * mention), so even an unknown one is answered in a group. A plain `/cmd` in a Telegram group may
   * be another bot's and is left alone.
   */
  addressed?: boolean;
}

/** A reply to a command: text in the neutral markup (see render/markup.ts). */
export interface Reply {
  text: string;
  /** Only the asker sees it, where the platform can (Discord, Slack); a normal reply elsewhere. */
  ephemeral?: boolean;
}

export interface CommandInfo {
  name: string;
  description: string;
  admin: boolean;
  /** Shown in help, e.g. `<source|event-glob> <duration>`. */
  usage?: string;
}

export type BotHealth = { state: 'starting' | 'ok' | 'unhealthy' | 'stopped'; reason?: string; since: string };

/** A route an adapter serves on hookbot's own HTTP server (Telegram webhook, Discord interactions, Slack events). */
export interface HttpMount {
  method: 'GET' | 'POST';
  path: string;
  /** Raw body bytes are in `ctx.state.rawBody` (Buffer) before this runs; the body limit is applied. */
  handler: Middleware;
}

/**
 * A WebSocket endpoint an adapter serves on hookbot's own port (OneBot's reverse WebSocket).
 * `accept` runs before the upgrade: it returns an HTTP status and a reason to refuse it, so a client
 * with a wrong token never gets a socket; `open` gets each accepted socket.
 */
export interface WebSocketMount {
  path: string;
  accept(req: IncomingMessage, url: URL): { status: number; reason: string } | undefined;
  open(socket: WebSocket, req: IncomingMessage): void;
}

/** What the core gives an adapter when it starts. */
export interface BotHost {
  onCommand(cmd: ChatCommand): Promise<Reply | undefined>;
  /** Commands this bot offers (for Telegram's menu, Discord and Slack registration). */
  commands(): CommandInfo[];
  /**
   * User ids of this bot's admins, for a menu that shows the admin commands (`CommandInfo.admin`)
   * to them only (Telegram's per-chat command scope). Absent = none.
   */
  admins?(): string[];
  mount(route: HttpMount): void;
  /** Serves a WebSocket endpoint on hookbot's port (absent where there is no server, e.g. some tests). */
  mountWebSocket?(route: WebSocketMount): void;
}

export interface BotAdapter {
  readonly id: string;
  readonly platform: string;
  /** Validates the chat part of a target (`-100123/42`, `C0123ABCD`); throws an Error with a clear message. */
  parseChat(raw: string): { chat: string; thread?: string };
  send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult>;
  start(host: BotHost): Promise<void>;
  stop(): Promise<void>;
  health(): BotHealth;
}

export interface BotDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * What a platform can do, as data. The router, `whoami`, `hookbot check`, the secret masking and the
 * adapter contract test read it instead of knowing platforms by name.
 */
export interface Capabilities {
  /** `many`: a target names the chat (`telegram:-100…`). `fixed`: the bot is one chat (a robot webhook); its target is the bot id alone. */
  chats: 'many' | 'fixed';
  /** It can write to a person (`send_to`). */
  dms: boolean;
  /** Targets may carry `/<thread>` (Telegram topics, Discord threads, Slack thread_ts). */
  threads: boolean;
  /** The form hookbot's neutral markup is turned into. */
  markup: 'html' | 'markdown' | 'mrkdwn' | 'plain';
  /** Longest text of one message, in `unit`s; longer notices are split. */
  text: { max: number; unit: 'chars' | 'bytes' };
  /** Longest caption under an image, where the platform has captions. */
  caption?: number;
  /** `upload`: image bytes are sent. `url`: only a link the platform fetches. `none`: a line names the image. */
  images: 'upload' | 'url' | 'none';
  /** Chat users can send it commands. */
  commands: boolean;
  /** Option keys (dotted for nested ones) whose values are secrets: masked everywhere, never in a target. */
  secrets: string[];
  /** It passes the sender's payload on as it came (the outbound webhook): events routed to it keep that payload. */
  forwardsPayload?: boolean;
}

/** A platform as the registry knows it before its code is loaded: options, limits, capabilities. */
export interface PlatformDeclaration<O = any> {
  platform: string;
  options: z.ZodType<O>;
  /** Default rate limits for this platform (see src/ratelimit.ts); the config may override them. */
  limits: RateLimits;
  capabilities: Capabilities;
  /** What looks unintended in a valid bot config of this platform (said by `hookbot check` and at start). */
  advice?(options: O): string[];
  /**
   * The chat part of a target (what `BotAdapter.parseChat` does), where it needs no SDK: `hookbot
   * check` then validates targets without loading the platform's module.
   */
  parseChat?(raw: string): { chat: string; thread?: string };
}

/** A platform module: its declaration and a factory. Registered in bots/index.ts. */
export interface BotModule<O = any> extends PlatformDeclaration<O> {
  create(id: string, options: O, deps: BotDeps): BotAdapter;
}

/** A registry entry: the declaration, and the module (with its SDK) imported only when a bot uses it. */
export interface RegisteredPlatform<O = any> extends PlatformDeclaration<O> {
  load(): Promise<BotModule<O>>;
}

/** At most `count` messages in any `perMs` milliseconds (a sliding window, see src/ratelimit.ts). */
export interface Rate {
  count: number;
  perMs: number;
  /** At least this long between two messages, on top of the count (Telegram groups: 20/min, yet 1/s at most). */
  minGapMs?: number;
}
/** Several rates for one scope all hold at once (Feishu: 5/s and 100/min). */
export interface RateLimits {
  /** Each private chat (send_to). */
  user?: Rate | Rate[];
  /** Each group or channel (send_to_group); a fixed-chat robot is one. */
  group?: Rate | Rate[];
  /** The bot, all its chats together. */
  bot?: Rate | Rate[];
}

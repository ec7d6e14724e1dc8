// The Bot API methods the fake speaks, with Telegram's checks and error descriptions (platforms
// reference §1.2–1.3): chats that are unknown, blocked or migrated, forum topics, HTML entities,
// 4096/1024 limits after entity parsing (counted in code points, as tdlib does), and flood limits.
import type { ServerResponse } from 'node:http';
import type { Clock } from '../../../src/clock.js';
import { parseTelegramHtml, EntityParseError, type Entity } from './html.js';
import type { BucketRate, Buckets } from './limiter.js';
import { fileParam, type Params, type UploadedFile } from './params.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  /** A forum supergroup: `message_thread_id` must be one of `topics`. */
  forum?: boolean;
  topics?: number[];
  /** Answer 403 with this description, e.g. `Forbidden: bot was blocked by the user`. */
  blocked?: string;
  /** The group became a supergroup: answer 400 with `migrate_to_chat_id`. */
  migratedTo?: number;
}

export interface SentMessage {
  method: 'sendMessage' | 'sendPhoto' | 'sendDocument';
  messageId: number;
  chatId: string;
  threadId?: number;
  /** What the bot sent as text or caption, before parsing. */
  raw?: string;
  parseMode?: string;
  /** The text or caption as the user reads it, and its entities. */
  text: string;
  entities: Entity[];
  photo?: { url?: string; fileId?: string; upload?: UploadedFile };
  document?: UploadedFile | string;
  silent: boolean;
  linkPreviewDisabled: boolean;
  replyTo?: number;
}

export interface PushedCommand {
  chatId: number;
  /** Ignored in a channel, where posts are signed by the channel itself. */
  userId: number;
  text: string;
  threadId?: number;
  username?: string;
  chatType?: FakeChat['type'];
}

export interface BotCommand {
  command: string;
  description: string;
}

/** A BotCommandScope as the Bot API takes it. */
export type CommandScope =
  | { type: 'default' | 'all_private_chats' | 'all_group_chats' | 'all_chat_administrators' }
  | { type: 'chat' | 'chat_administrators'; chat_id: number | string }
  | { type: 'chat_member'; chat_id: number | string; user_id: number };

const SCOPE_TYPES = ['default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators', 'chat', 'chat_administrators', 'chat_member'];

type Method = (p: Params, res: ServerResponse) => Promise<unknown> | unknown;

const MB = 1024 * 1024;

export abstract class FakeBotMethods {
  protected readonly chats = new Map<string, FakeChat>();
  readonly sent: SentMessage[] = [];
  /** setMyCommands lists by scope (see `scopeKey`): `default`, `chat:42`, `chat_member:-100:77`…, with `|<language>` when one was given. */
  readonly commandScopes = new Map<string, BotCommand[]>();
  webhook?: { url: string; secret?: string };
  /** HTTP statuses our webhook endpoint answered, in order. */
  readonly webhookStatuses: number[] = [];
  private updates: { update_id: number; [k: string]: unknown }[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private pollers = new Set<{ wake: () => void; conflict: boolean }>();
  readonly botUser: { id: number; is_bot: true; first_name: string; username: string };

  constructor(
    protected readonly clock: Clock,
    private readonly limits: { user: BucketRate; group: BucketRate; bot: BucketRate } | undefined,
    private readonly buckets: Buckets,
    username: string,
  ) {
    this.botUser = { id: 7_000_000_001, is_bot: true, first_name: 'hookbot test', username };
  }

  protected abstract changed(): void;

  /** The commands of the default scope (what a user sees when no narrower scope has a list). */
  get commands(): BotCommand[] {
    return this.commandScopes.get('default') ?? [];
  }

  /** The commands set for exactly this scope (no fallback to wider scopes, like getMyCommands). */
  commandsFor(scope: CommandScope, languageCode?: string): BotCommand[] {
    return this.commandScopes.get(this.scopeKey(scope, languageCode)) ?? [];
  }

  addChat(chat: FakeChat): this {
    this.chats.set(String(chat.id), chat);
    return this;
  }

  sentTo(chatId: number | string): SentMessage[] {
    return this.sent.filter((m) => m.chatId === String(chatId));
  }

  /** A user message starting with a command, with the `bot_command` entity grammY matches on. */
  async pushCommand(c: PushedCommand): Promise<Record<string, unknown>> {
    if (!this.chats.has(String(c.chatId))) {
      const type = c.chatType ?? (c.chatId > 0 ? 'private' : 'supergroup');
      this.addChat({ id: c.chatId, type, forum: c.threadId !== undefined, topics: c.threadId !== undefined ? [c.threadId] : undefined });
    }
    const chat = this.chats.get(String(c.chatId))!;
    const cmdLen = /^\/\S+/.exec(c.text)?.[0].length ?? 0;
    // A channel post comes as `channel_post`, signed by the channel (`sender_chat`), with no `from`.
    const isChannel = chat.type === 'channel';
    const message: Record<string, unknown> = {
      message_id: this.nextMessageId++,
      date: Math.floor(this.clock.now() / 1000),
      chat: this.chatObject(chat),
      ...(isChannel
        ? { sender_chat: this.chatObject(chat) }
        : { from: { id: c.userId, is_bot: false, first_name: 'User', ...(c.username ? { username: c.username } : {}) } }),
      text: c.text,
      ...(cmdLen ? { entities: [{ type: 'bot_command', offset: 0, length: cmdLen }] } : {}),
      ...(c.threadId !== undefined ? { message_thread_id: c.threadId, is_topic_message: true } : {}),
    };
    const update = { update_id: this.nextUpdateId++, ...(isChannel ? { channel_post: message } : { message }) };
    if (this.webhook) {
      const res = await fetch(this.webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.webhook.secret ? { 'x-telegram-bot-api-secret-token': this.webhook.secret } : {}) },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      this.webhookStatuses.push(res.status);
    } else {
      this.updates.push(update);
      for (const p of this.pollers) p.wake();
    }
    this.changed();
    return update;
  }

  /** Long polls being held right now. */
  get heldPolls(): number {
    return this.pollers.size;
  }

  /** Answers every held getUpdates at once (used on stop). */
  protected releasePollers(): void {
    for (const p of this.pollers) p.wake();
  }

  protected method(name: string): Method | undefined {
    const table: Record<string, Method> = {
      getme: () => ({ ...this.botUser, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }),
      getupdates: (p, res) => this.getUpdates(p, res),
      setwebhook: (p) => this.setWebhook(p),
      deletewebhook: (p) => {
        this.webhook = undefined;
        if (truthy(p.values.drop_pending_updates)) this.updates = [];
        return true;
      },
      getwebhookinfo: () => ({ url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.updates.length }),
      setmycommands: (p) => this.setMyCommands(p),
      getmycommands: (p) => this.commandScopes.get(this.scopeOf(p)) ?? [],
      deletemycommands: (p) => (this.commandScopes.delete(this.scopeOf(p)), true),
      sendmessage: (p) => this.sendMessage(p),
      sendphoto: (p) => this.sendMedia(p, 'sendPhoto'),
      senddocument: (p) => this.sendMedia(p, 'sendDocument'),
    };
    return table[name];
  }

  private async getUpdates(p: Params, res: ServerResponse): Promise<unknown[]> {
    if (this.webhook) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const offset = num(p.values.offset) ?? 0;
    const limit = Math.min(100, Math.max(1, num(p.values.limit) ?? 100));
    const timeout = num(p.values.timeout) ?? 0;
    // Updates below the offset are confirmed and forgotten.
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    if (this.updates.length === 0 && timeout > 0) {
      // A second long poll ends the first with 409, as Telegram does.
      for (const old of this.pollers) {
        old.conflict = true;
        old.wake();
      }
      const me = { wake: () => {}, conflict: false };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout * 1000);
        me.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.pollers.add(me);
        res.on('close', me.wake);
        this.changed();
      });
      this.pollers.delete(me);
      this.changed();
      if (me.conflict) throw new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
    }
    return this.updates.slice(0, limit);
  }

  private setWebhook(p: Params): true {
    const url = str(p.values.url);
    const secret = str(p.values.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new ApiError(400, 'Bad Request: secret token contains unallowed characters');
    this.webhook = url ? { url, secret } : undefined;
    if (truthy(p.values.drop_pending_updates)) this.updates = [];
    return true;
  }

  private setMyCommands(p: Params): true {
    const list = p.values.commands;
    if (!Array.isArray(list) || list.length > 100) throw new ApiError(400, 'Bad Request: commands must be an array of at most 100 BotCommand');
    for (const c of list as { command?: unknown; description?: unknown }[]) {
      if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
        throw new ApiError(400, 'Bad Request: command description must be 1-256 characters');
      }
    }
    const key = this.scopeOf(p);
    if (list.length === 0) this.commandScopes.delete(key);
    else this.commandScopes.set(key, (list as BotCommand[]).map((c) => ({ command: c.command, description: c.description })));
    return true;
  }

  /** The storage key of the `scope` and `language_code` parameters, validated as Telegram does. */
  private scopeOf(p: Params): string {
    const scope = p.values.scope;
    const lang = str(p.values.language_code);
    if (lang !== undefined && lang !== '' && !/^[a-z]{2}$/.test(lang)) throw new ApiError(400, 'Bad Request: invalid language code specified');
    if (scope === undefined || scope === '') return this.scopeKey({ type: 'default' }, lang);
    if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) throw new ApiError(400, "Bad Request: can't parse BotCommandScope JSON object");
    return this.scopeKey(scope as CommandScope, lang);
  }

  private scopeKey(scope: CommandScope, lang?: string): string {
    const s = scope as { type?: unknown; chat_id?: unknown; user_id?: unknown };
    if (typeof s.type !== 'string' || !SCOPE_TYPES.includes(s.type)) throw new ApiError(400, 'Bad Request: unsupported bot command scope type');
    let key = s.type;
    if (s.type === 'chat' || s.type === 'chat_administrators' || s.type === 'chat_member') {
      if (s.chat_id === undefined || s.chat_id === '') throw new ApiError(400, 'Bad Request: chat_id is empty');
      const chat = this.findChat(String(s.chat_id));
      if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
      if (s.type !== 'chat' && chat.type !== 'group' && chat.type !== 'supergroup') {
        throw new ApiError(400, `Bad Request: can't use ${s.type} scope for this chat`);
      }
      key += `:${chat.id}`;
      if (s.type === 'chat_member') {
        const user = Number(s.user_id);
        if (s.user_id === undefined || !Number.isSafeInteger(user) || user <= 0) throw new ApiError(400, 'Bad Request: user not found');
        key += `:${user}`;
      }
    }
    return lang ? `${key}|${lang}` : key;
  }

  private sendMessage(p: Params): unknown {
    const chat = this.resolveChat(p);
    const threadId = this.checkThread(chat, p);
    const raw = str(p.values.text);
    if (!raw) throw new ApiError(400, 'Bad Request: message text is empty');
    const parsed = parseText(raw, str(p.values.parse_mode));
    if (parsed.text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
    if ([...parsed.text].length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
    this.rateLimit(chat);
    const lpo = p.values.link_preview_options as { is_disabled?: boolean } | undefined;
    return this.record(chat, {
      method: 'sendMessage',
      threadId,
      raw,
      parseMode: str(p.values.parse_mode),
      ...parsed,
      silent: truthy(p.values.disable_notification),
      linkPreviewDisabled: Boolean(lpo?.is_disabled) || truthy(p.values.disable_web_page_preview),
      replyTo: (p.values.reply_parameters as { message_id?: number } | undefined)?.message_id,
    });
  }

  private sendMedia(p: Params, method: 'sendPhoto' | 'sendDocument'): unknown {
    const chat = this.resolveChat(p);
    const threadId = this.checkThread(chat, p);
    const field = method === 'sendPhoto' ? 'photo' : 'document';
    const media = fileParam(p, field);
    if (media === undefined) throw new ApiError(400, `Bad Request: there is no ${field} in the request`);
    if (typeof media === 'string' && !/^https?:\/\/\S+$/.test(media) && !media.startsWith('fake-file-')) {
      throw new ApiError(400, 'Bad Request: wrong file identifier/HTTP URL specified');
    }
    if (typeof media !== 'string') {
      if (media.data.length === 0) throw new ApiError(400, 'Bad Request: file must be non-empty');
      if (media.data.length > (method === 'sendPhoto' ? 10 : 50) * MB) throw new ApiError(400, 'Bad Request: file is too big');
      // sendPhoto: "width and height must not exceed 10000 in total; ratio at most 20" (Bot API).
      const size = method === 'sendPhoto' ? pngSize(media.data) : undefined;
      if (size && (size.w + size.h > 10_000 || Math.max(size.w, size.h) / Math.max(1, Math.min(size.w, size.h)) > 20)) {
        throw new ApiError(400, 'Bad Request: PHOTO_INVALID_DIMENSIONS');
      }
    }
    const raw = str(p.values.caption);
    const parsed = raw ? parseText(raw, str(p.values.parse_mode)) : { text: '', entities: [] };
    if ([...parsed.text].length > 1024) throw new ApiError(400, 'Bad Request: message caption is too long');
    this.rateLimit(chat);
    const photo = typeof media === 'string' ? (media.startsWith('fake-file-') ? { fileId: media } : { url: media }) : { upload: media };
    const result = this.record(chat, {
      method,
      threadId,
      raw,
      parseMode: str(p.values.parse_mode),
      ...parsed,
      ...(method === 'sendPhoto' ? { photo } : { document: media }),
      silent: truthy(p.values.disable_notification),
      linkPreviewDisabled: true,
    });
    const fileId = `fake-file-${result.message_id}`;
    const size = typeof media === 'string' ? 1000 : media.data.length;
    if (method === 'sendPhoto') return { ...result, photo: [{ file_id: fileId, file_unique_id: fileId, width: 90, height: 90, file_size: size }] };
    return { ...result, document: { file_id: fileId, file_unique_id: fileId, file_size: size } };
  }

  private resolveChat(p: Params): FakeChat {
    const id = p.values.chat_id;
    if (id === undefined || id === '') throw new ApiError(400, 'Bad Request: chat_id is empty');
    const chat = this.findChat(String(id));
    if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
    if (chat.migratedTo !== undefined) {
      throw new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: chat.migratedTo });
    }
    if (chat.blocked) throw new ApiError(403, chat.blocked);
    return chat;
  }

  private findChat(key: string): FakeChat | undefined {
    return key.startsWith('@') ? [...this.chats.values()].find((c) => c.username && '@' + c.username.toLowerCase() === key.toLowerCase()) : this.chats.get(key);
  }

  private checkThread(chat: FakeChat, p: Params): number | undefined {
    const thread = num(p.values.message_thread_id);
    if (thread === undefined) return undefined;
    if (!chat.forum || !(chat.topics ?? []).includes(thread)) throw new ApiError(400, 'Bad Request: message thread not found');
    return thread;
  }

  private rateLimit(chat: FakeChat): void {
    if (!this.limits) return;
    const perChat = chat.type === 'private' ? this.limits.user : this.limits.group;
    const waitMs = this.buckets.take([
      { key: 'bot', rate: this.limits.bot },
      { key: 'chat:' + chat.id, rate: perChat },
    ]);
    if (waitMs > 0) {
      const s = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${s}`, { retry_after: s });
    }
  }

  private record(chat: FakeChat, m: Omit<SentMessage, 'messageId' | 'chatId'>): { message_id: number; [k: string]: unknown } {
    const messageId = this.nextMessageId++;
    this.sent.push({ ...m, messageId, chatId: String(chat.id) });
    return {
      message_id: messageId,
      date: Math.floor(this.clock.now() / 1000),
      chat: this.chatObject(chat),
      from: this.botUser,
      ...(m.method === 'sendMessage' ? { text: m.text, entities: m.entities } : m.text ? { caption: m.text, caption_entities: m.entities } : {}),
      ...(m.threadId !== undefined ? { message_thread_id: m.threadId, is_topic_message: true } : {}),
    };
  }

  private chatObject(chat: FakeChat): Record<string, unknown> {
    if (chat.type === 'private') return { id: chat.id, type: 'private', first_name: chat.title ?? 'User' };
    return { id: chat.id, type: chat.type, title: chat.title ?? `chat ${chat.id}`, ...(chat.username ? { username: chat.username } : {}), ...(chat.forum ? { is_forum: true } : {}) };
  }
}

function parseText(raw: string, parseMode: string | undefined): { text: string; entities: Entity[] } {
  if (parseMode === undefined || parseMode === '') return { text: raw, entities: [] };
  if (parseMode.toLowerCase() !== 'html') throw new ApiError(400, 'Bad Request: unsupported parse_mode');
  try {
    return parseTelegramHtml(raw);
  } catch (e) {
    if (e instanceof EntityParseError) throw new ApiError(400, e.message);
    throw e;
  }
}

/** Width and height from a PNG's IHDR chunk; undefined for anything else. */
function pngSize(data: Buffer): { w: number; h: number } | undefined {
  if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47 || data.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { w: data.readUInt32BE(16), h: data.readUInt32BE(20) };
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}
function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === '1';
}

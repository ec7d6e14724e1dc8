// A protocol-faithful fake of Discord's REST API (/api/v10) and gateway, on 127.0.0.1:0, for the real
// @discordjs/rest and discord.js clients to be pointed at (`api: fake.apiRoot`). See platforms.md §2 and §5.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { FakeGateway } from './gateway.js';
import { isEmptyMessage, validateCommands, validateMessage, type ErrorTree } from './limits.js';
import { readBody } from './body.js';
import { InteractionDriver } from './interactions.js';

export interface StoredAttachment {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  url: string;
  data: Buffer;
}
export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: any[];
  attachments: StoredAttachment[];
  nonce?: string;
  flags: number;
  allowed_mentions?: unknown;
}
export interface Fault {
  status: number;
  /** Seconds, for 429 (Retry-After, X-RateLimit-Reset-After and the body's retry_after agree). */
  retryAfter?: number;
  global?: boolean;
  code?: number;
  message?: string;
}
interface ScriptedFault {
  method?: string;
  path: RegExp;
  fault: Fault;
}
interface Bucket {
  limit: number;
  windowMs: number;
  used: number;
  resetAt: number;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export class FakeDiscord {
  private server?: Server;
  url = '';
  token: string;
  readonly applicationId = '1100000000000000001';
  readonly botUser = { id: '1100000000000000001', username: 'hookbot' };
  readonly gateway: FakeGateway;
  readonly interactions: InteractionDriver;
  /** Every REST request: method, path (with query), whether it carried our token. */
  readonly requests: { method: string; path: string; auth?: string; body?: any; at: number }[] = [];
  private readonly messages = new Map<string, StoredMessage[]>();
  private readonly nonces = new Map<string, StoredMessage>();
  readonly dmChannels = new Map<string, string>();
  readonly dmOpens = new Map<string, number>();
  readonly commands = { global: [] as any[], guild: new Map<string, any[]>() };
  /** Channels that do not exist (404 10003) and channels the bot cannot see (403 50001). */
  readonly missing = new Set<string>();
  readonly forbidden = new Set<string>();
  /** Users who do not accept DMs (403 50007 when a message is posted to their DM channel). */
  readonly dmBlocked = new Set<string>();
  private faults: ScriptedFault[] = [];
  private buckets = new Map<string, Bucket>();
  private channelLimit?: { limit: number; windowMs: number };
  private nextId = 1200000000000000000n;
  private readonly changed = new EventEmitter().setMaxListeners(100);

  constructor(opts: { token?: string } = {}) {
    this.token = opts.token ?? 'ZmFrZS1ib3QtdG9rZW4.fake.discord-bot-token-1234567890';
    this.gateway = new FakeGateway({
      token: () => this.token,
      botUser: this.botUser,
      applicationId: this.applicationId,
      resumeUrl: () => this.url.replace(/^http/, 'ws') + '/gw',
      changed: () => this.notify(),
    });
    this.interactions = new InteractionDriver(this);
  }

  get apiRoot(): string {
    return this.url + '/api';
  }

  snowflake(): string {
    this.nextId += 1n;
    return String(this.nextId);
  }

  async start(): Promise<{ url: string }> {
    this.server = createServer((req, res) => {
      this.handle(req, res)
        .catch((e) => {
          if (!res.headersSent) json(res, 500, { message: '500: Internal Server Error', code: 0, detail: String(e) });
          else res.destroy();
        })
        .finally(() => this.notify());
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (req.url?.startsWith('/gw')) this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    this.gateway.close();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  /** The next request matching `path` (and `method`) fails with `fault`, once. */
  failNext(path: RegExp, fault: Fault, method?: string) {
    this.faults.push({ path, fault, method });
  }

  /** Per-channel message rate: `limit` messages per `windowMs`, then 429 until the window resets. */
  limitChannels(limit: number, windowMs: number) {
    this.channelLimit = { limit, windowMs };
  }

  sent(channelId: string): StoredMessage[] {
    return this.messages.get(channelId) ?? [];
  }

  /** Resolves when `cond()` is true; checks after every request, fails after `timeoutMs`. */
  async waitFor<T>(cond: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const first = cond();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = cond();
        if (!v) return;
        clearTimeout(timer);
        this.changed.off('change', check);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.changed.off('change', check);
        reject(new Error('FakeDiscord.waitFor: condition not met within ' + timeoutMs + 'ms'));
      }, timeoutMs);
      this.changed.on('change', check);
    });
  }

  /** Tells waitFor to look again (after every request; the interaction driver calls it too). */
  notify() {
    this.changed.emit('change');
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const { body, files } = await readBody(req);
    const auth = req.headers.authorization;
    this.requests.push({ method, path: u.pathname + u.search, auth: auth ? auth.replace(this.token, '<token>') : undefined, body, at: Date.now() });
    const p = decodeURIComponent(u.pathname).replace(/^\/api\/v10/, '');
    if (!u.pathname.startsWith('/api/v10/')) return json(res, 404, { message: '404: Not Found', code: 0 });

    const scripted = this.faults.findIndex((f) => f.path.test(p) && (!f.method || f.method === method));
    if (scripted >= 0) {
      const [{ fault }] = this.faults.splice(scripted, 1) as [ScriptedFault];
      return this.sendFault(res, fault, p);
    }

    // Interaction callbacks and webhooks authenticate with the interaction token in the path.
    if (p.startsWith('/interactions/') || p.startsWith('/webhooks/')) return this.interactions.handle(method, p, u, body, res);
    if (auth !== `Bot ${this.token}`) return json(res, 401, { message: '401: Unauthorized', code: 0 });

    let m: RegExpExecArray | null;
    if (method === 'GET' && p === '/gateway/bot') {
      return json(res, 200, {
        url: this.url.replace(/^http/, 'ws') + '/gw',
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (method === 'POST' && p === '/users/@me/channels') return this.openDm(res, body);
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(p))) return this.createMessage(res, m[1]!, body, files);
    if (method === 'PUT' && (m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(p))) {
      if (m[1] !== this.applicationId) return json(res, 403, { message: 'Missing Access', code: 50001 });
      return this.putCommands(res, body, m[2]);
    }
    return json(res, 404, { message: '404: Not Found', code: 0 });
  }

  private sendFault(res: ServerResponse, f: Fault, path: string) {
    if (f.status === 429) {
      const after = f.retryAfter ?? 1;
      return json(
        res,
        429,
        { message: 'You are being rate limited.', retry_after: after, global: !!f.global, ...(f.code ? { code: f.code } : {}) },
        {
          'retry-after': String(Math.ceil(after)),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Date.now() / 1000 + after),
          'x-ratelimit-reset-after': String(after),
          'x-ratelimit-bucket': bucketHash(path),
          'x-ratelimit-scope': f.global ? 'global' : 'user',
          ...(f.global ? { 'x-ratelimit-global': 'true' } : {}),
        },
      );
    }
    if (f.status === 0) {
      res.socket?.destroy();
      return;
    }
    return json(res, f.status, { message: f.message ?? `${f.status}: fault`, code: f.code ?? 0 });
  }

  private openDm(res: ServerResponse, body: any) {
    const user = String(body?.recipient_id ?? '');
    if (!/^\d+$/.test(user)) return invalidForm(res, { recipient_id: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${user}" is not snowflake.` }] } });
    this.dmOpens.set(user, (this.dmOpens.get(user) ?? 0) + 1);
    let id = this.dmChannels.get(user);
    if (!id) this.dmChannels.set(user, (id = this.snowflake()));
    return json(res, 200, { id, type: 1, last_message_id: null, flags: 0, recipients: [{ id: user, username: 'user' + user.slice(-4), discriminator: '0', avatar: null }] });
  }

  private rateHeaders(channel: string): { ok: boolean; headers: Record<string, string>; after: number } {
    const hash = bucketHash('/channels/:id/messages');
    const lim = this.channelLimit;
    if (!lim) return { ok: true, headers: { 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '49', 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': hash }, after: 0 };
    const now = Date.now();
    let b = this.buckets.get(channel);
    if (!b || now >= b.resetAt) this.buckets.set(channel, (b = { limit: lim.limit, windowMs: lim.windowMs, used: 0, resetAt: now + lim.windowMs }));
    const after = Math.max(0, (b.resetAt - now) / 1000);
    const ok = b.used < b.limit;
    if (ok) b.used++;
    const headers = {
      'x-ratelimit-limit': String(b.limit),
      'x-ratelimit-remaining': String(Math.max(0, b.limit - b.used)),
      'x-ratelimit-reset': (b.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': after.toFixed(3),
      'x-ratelimit-bucket': hash,
    };
    return { ok, headers, after };
  }

  private createMessage(res: ServerResponse, channel: string, body: any, files: Map<string, { filename: string; mime: string; data: Buffer }>) {
    if (this.missing.has(channel)) return json(res, 404, { message: 'Unknown Channel', code: 10003 });
    if (this.forbidden.has(channel)) return json(res, 403, { message: 'Missing Access', code: 50001 });
    const dmUser = [...this.dmChannels].find(([, ch]) => ch === channel)?.[0];
    if (dmUser && this.dmBlocked.has(dmUser)) return json(res, 403, { message: 'Cannot send messages to this user', code: 50007 });
    const rate = this.rateHeaders(channel);
    if (!rate.ok) {
      return json(res, 429, { message: 'You are being rate limited.', retry_after: rate.after, global: false }, {
        ...rate.headers,
        'retry-after': String(Math.ceil(rate.after)),
        'x-ratelimit-scope': 'user',
      });
    }
    const errors: ErrorTree | undefined = validateMessage(body ?? {});
    if (errors) return invalidForm(res, errors, rate.headers);
    if (isEmptyMessage(body ?? {}, files.size)) return json(res, 400, { message: 'Cannot send an empty message', code: 50006 }, rate.headers);
    if (body.nonce !== undefined && body.enforce_nonce) {
      const prior = this.nonces.get(`${channel}:${body.nonce}`);
      if (prior) return json(res, 200, prior, rate.headers);
    }
    const id = this.snowflake();
    const attachments: StoredAttachment[] = [];
    const byName = new Map<string, StoredAttachment>();
    for (const [field, f] of files) {
      const n = /^files\[(\d+)\]$/.exec(field)?.[1];
      const declared = (body.attachments ?? []).find((a: any) => String(a.id) === n);
      const filename = declared?.filename ?? f.filename;
      const a = { id: this.snowflake(), filename, content_type: f.mime, size: f.data.length, url: `${this.url}/attachments/${channel}/${id}/${filename}`, data: f.data };
      attachments.push(a);
      byName.set(filename, a);
    }
    // Discord rewrites attachment://name in embeds to the uploaded file's CDN URL.
    const embeds = (body.embeds ?? []).map((e: any) => {
      const ref = /^attachment:\/\/(.+)$/.exec(e.image?.url ?? '')?.[1];
      return ref && byName.has(ref) ? { ...e, image: { ...e.image, url: byName.get(ref)!.url } } : e;
    });
    const msg: StoredMessage = { id, channel_id: channel, content: body.content ?? '', embeds, attachments, nonce: body.nonce, flags: body.flags ?? 0, allowed_mentions: body.allowed_mentions };
    if (!this.messages.has(channel)) this.messages.set(channel, []);
    this.messages.get(channel)!.push(msg);
    if (body.nonce !== undefined) this.nonces.set(`${channel}:${body.nonce}`, msg);
    return json(res, 200, { ...msg, attachments: attachments.map(({ data: _, ...a }) => a), author: { ...this.botUser, bot: true }, type: 0, timestamp: new Date().toISOString() }, rate.headers);
  }

  private putCommands(res: ServerResponse, body: any, guild?: string) {
    const errors = validateCommands(body);
    if (errors) return invalidForm(res, errors);
    const stored = (body as any[]).map((c) => ({ id: this.snowflake(), application_id: this.applicationId, version: this.snowflake(), type: 1, ...c, ...(guild ? { guild_id: guild } : {}) }));
    if (guild) this.commands.guild.set(guild, stored);
    else this.commands.global = stored;
    return json(res, 200, stored);
  }
}

export function invalidForm(res: ServerResponse, errors: ErrorTree, headers: Record<string, string> = {}) {
  return json(res, 400, { code: 50035, message: 'Invalid Form Body', errors }, headers);
}

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  json(res, status, body);
}

// Discord names a bucket per route shape; ids stay out of it (the channel is the "major parameter").
function bucketHash(path: string): string {
  return Buffer.from(path.replace(/\d{5,}/g, ':id')).toString('base64url').slice(0, 24);
}

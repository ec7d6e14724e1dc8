// A fake Feishu/Lark custom bot (自定义机器人) plus the two app endpoints an image needs. The hook
// answers like Feishu — HTTP 200 with `code` — for unknown tokens (19001), signatures and timestamps
// (19021), keywords (19024), bad bodies and bodies over 20 KB (9499), and 5/s or 100/min (11232).
// The app side issues tenant_access_tokens and image_keys; only issued keys may appear in messages.
// Facts: the Chinese-platforms reference, §3.
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { systemClock, type Clock } from '../../../src/clock.js';
import { HttpFake, json, pathOf, RollingWindow } from '../robot/http-fake.js';

export interface FakeHook {
  token: string;
  secret?: string;
  keywords?: string[];
}

export interface FeishuMessage {
  token: string;
  msgType: string;
  body: Record<string, any>;
  at: number;
}

export const MAX_BODY_BYTES = 20 * 1024;
export const FEISHU_LIMITS = [
  { count: 5, windowMs: 1000 },
  { count: 100, windowMs: 60_000 },
];

/** Feishu's sign: HMAC-SHA256 keyed by `timestamp\nsecret` over an empty message, base64. */
export function feishuSign(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

const OK = { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' };

export class FakeFeishu {
  readonly http = new HttpFake((req, body, res) => this.handle(req, body, res));
  readonly messages: FeishuMessage[] = [];
  /** Uploaded images by key. */
  readonly images = new Map<string, Buffer>();
  readonly stats = { throttled: 0, refused: 0, tokens: 0 };
  private readonly hooks = new Map<string, FakeHook>();
  private readonly apps = new Map<string, string>();
  private readonly tokens = new Map<string, number>();
  private readonly window: RollingWindow;
  private readonly clock: Clock;

  constructor(opts: { hooks: FakeHook[]; apps?: { appId: string; appSecret: string }[]; clock?: Clock; limits?: { count: number; windowMs: number }[] }) {
    for (const h of opts.hooks) this.hooks.set(h.token, h);
    for (const a of opts.apps ?? []) this.apps.set(a.appId, a.appSecret);
    this.clock = opts.clock ?? systemClock;
    this.window = new RollingWindow(this.clock, opts.limits ?? FEISHU_LIMITS);
  }

  get url(): string {
    return this.http.url;
  }
  webhook(token: string): string {
    return `${this.http.url}/open-apis/bot/v2/hook/${token}`;
  }
  start() {
    return this.http.start();
  }
  stop() {
    return this.http.stop();
  }
  received(token: string): FeishuMessage[] {
    return this.messages.filter((m) => m.token === token);
  }
  waitFor(cond: () => boolean, timeoutMs?: number, what?: string) {
    return this.http.waitFor(cond, timeoutMs, what);
  }

  private fail(res: ServerResponse, code: number, msg: string, status = 200) {
    this.stats.refused++;
    json(res, status, { code, msg, data: {} });
  }

  private async handle(req: IncomingMessage, raw: Buffer, res: ServerResponse) {
    const path = pathOf(req);
    if (req.method !== 'POST') return json(res, 404, { code: 404, msg: 'not found' });
    const hook = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(path);
    if (hook) return this.send(decodeURIComponent(hook[1]!), raw, res);
    if (path === '/open-apis/auth/v3/tenant_access_token/internal') return this.token(raw, res);
    if (path === '/open-apis/im/v1/images') return this.upload(req, raw, res);
    json(res, 404, { code: 404, msg: 'not found' });
  }

  private send(token: string, raw: Buffer, res: ServerResponse) {
    const hook = this.hooks.get(token);
    if (!hook) return this.fail(res, 19001, 'param invalid: incoming webhook access token invalid');
    if (raw.length > MAX_BODY_BYTES) return this.fail(res, 9499, 'Bad Request: request body too large', 400);
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.fail(res, 9499, 'Bad Request', 400);
    }
    if (hook.secret) {
      const ts = String(body.timestamp ?? '');
      const bad = 'sign match fail or timestamp is not within one hour from current time';
      if (!/^\d+$/.test(ts) || Math.abs(Number(ts) * 1000 - this.clock.now()) > 3_600_000) return this.fail(res, 19021, bad);
      if (body.sign !== feishuSign(ts, hook.secret)) return this.fail(res, 19021, bad);
    }
    const problem = this.shape(body);
    if (problem) return this.fail(res, 9499, `Bad Request: ${problem}`);
    if (hook.keywords?.length) {
      const text = JSON.stringify(body.content ?? body.card);
      if (!hook.keywords.some((k) => text.includes(k))) return this.fail(res, 19024, 'Key Words Not Found');
    }
    if (!this.window.allow(token)) {
      this.stats.throttled++;
      return this.fail(res, 11232, `frequency limited psm[lark.oapi.app_platform_runtime]appID[1]`);
    }
    this.messages.push({ token, msgType: body.msg_type, body, at: this.clock.now() });
    json(res, 200, OK);
  }

  /** What is wrong with a message body, or undefined. */
  private shape(b: Record<string, any>): string | undefined {
    switch (b.msg_type) {
      case 'text':
        return typeof b.content?.text === 'string' && b.content.text ? undefined : 'content.text is required';
      case 'image':
        return this.images.has(b.content?.image_key) ? undefined : 'content.image_key is not an uploaded image';
      case 'share_chat':
        return typeof b.content?.share_chat_id === 'string' ? undefined : 'content.share_chat_id is required';
      case 'interactive':
        if (!b.card || typeof b.card !== 'object') return 'card is required (top level, not inside content)';
        if (!Array.isArray(b.card.elements)) return 'card.elements must be a list';
        return undefined;
      case 'post': {
        const langs = b.content?.post;
        if (!langs || typeof langs !== 'object' || !Object.keys(langs).length) return 'content.post is required';
        for (const lang of Object.values<any>(langs)) {
          if (!Array.isArray(lang.content)) return 'content.post.<lang>.content must be a list of lines';
          for (const line of lang.content) {
            if (!Array.isArray(line)) return 'each post line must be a list';
            for (const el of line) {
              if (el.tag === 'text' && typeof el.text !== 'string') return 'text tag without text';
              else if (el.tag === 'a' && (typeof el.href !== 'string' || typeof el.text !== 'string')) return 'a tag needs text and href';
              else if (el.tag === 'img' && !this.images.has(el.image_key)) return 'img tag with an image_key that was not uploaded';
              else if (el.tag === 'at' && typeof el.user_id !== 'string') return 'at tag needs user_id';
              else if (!['text', 'a', 'img', 'at', 'emotion', 'media'].includes(el.tag)) return `unknown tag ${String(el.tag)}`;
            }
          }
        }
        return undefined;
      }
      default:
        return `unknown msg_type ${String(b.msg_type)}`;
    }
  }

  private token(raw: Buffer, res: ServerResponse) {
    let b: any;
    try {
      b = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.fail(res, 9499, 'Bad Request', 400);
    }
    if (!b?.app_id || !this.apps.has(b.app_id) || this.apps.get(b.app_id) !== b.app_secret) return this.fail(res, 10014, 'app secret invalid');
    const token = 't-' + randomBytes(12).toString('hex');
    this.tokens.set(token, this.clock.now() + 7200_000);
    this.stats.tokens++;
    json(res, 200, { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
  }

  private async upload(req: IncomingMessage, raw: Buffer, res: ServerResponse) {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || (this.tokens.get(token) ?? 0) < this.clock.now()) return this.fail(res, 99991663, 'Invalid access token for authorization. Please make a request with token attached.', 400);
    const fields: Record<string, string> = {};
    let image: Buffer | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const bb = busboy({ headers: req.headers });
        bb.on('field', (name, value) => (fields[name] = value));
        bb.on('file', (name, stream) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            if (name === 'image') image = Buffer.concat(chunks);
          });
        });
        bb.on('close', resolve);
        bb.on('error', reject);
        bb.end(raw);
      });
    } catch {
      return this.fail(res, 9499, 'Bad Request: not multipart', 400);
    }
    if (!['message', 'avatar'].includes(fields['image_type'] ?? '')) return this.fail(res, 234001, 'Invalid request param: image_type', 400);
    if (!image || image.length === 0 || image.length > 10 * 1024 * 1024) return this.fail(res, 234006, 'The file size exceed the max value or is empty.', 400);
    const key = 'img_v2_' + randomBytes(8).toString('hex');
    this.images.set(key, image);
    json(res, 200, { code: 0, msg: 'success', data: { image_key: key } });
  }
}

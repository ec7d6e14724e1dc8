// A fake WeCom group robot (企业微信群机器人): `POST /cgi-bin/webhook/send?key=…`, answering like WeCom —
// HTTP 200 with `{errcode, errmsg}` — for unknown keys (93000), byte limits (text 2048, markdown 4096),
// images (base64 of a JPG or PNG of at most 2 MB with the hex md5 of its bytes), and its 20 messages
// per rolling minute (45009). Facts: the Chinese-platforms reference, §4. The codes for too-long
// content and a bad image are not documented; these are the ones WeCom's API error list uses.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../../../src/clock.js';
import { HttpFake, json, pathOf, queryOf, RollingWindow } from '../robot/http-fake.js';

export interface WeComMessage {
  key: string;
  msgtype: string;
  body: Record<string, any>;
  /** Decoded image bytes, for `image` messages. */
  image?: Buffer;
  at: number;
}

export const WECOM_LIMIT = { count: 20, windowMs: 60_000 };
export const LIMITS = { text: 2048, markdown: 4096, image: 2 * 1024 * 1024 };

export class FakeWeCom {
  readonly http = new HttpFake((req, body, res) => this.handle(req, body, res));
  readonly messages: WeComMessage[] = [];
  readonly stats = { throttled: 0, refused: 0 };
  private readonly keys: Set<string>;
  private readonly window: RollingWindow;
  private readonly clock: Clock;

  constructor(opts: { keys: string[]; clock?: Clock; limit?: Partial<typeof WECOM_LIMIT> }) {
    this.keys = new Set(opts.keys);
    this.clock = opts.clock ?? systemClock;
    this.window = new RollingWindow(this.clock, [{ ...WECOM_LIMIT, ...opts.limit }]);
  }

  get url(): string {
    return this.http.url;
  }
  webhook(key: string): string {
    return `${this.http.url}/cgi-bin/webhook/send?key=${key}`;
  }
  start() {
    return this.http.start();
  }
  stop() {
    return this.http.stop();
  }
  received(key: string): WeComMessage[] {
    return this.messages.filter((m) => m.key === key);
  }
  waitFor(cond: () => boolean, timeoutMs?: number, what?: string) {
    return this.http.waitFor(cond, timeoutMs, what);
  }

  private answer(res: ServerResponse, errcode: number, errmsg: string) {
    if (errcode !== 0) this.stats.refused++;
    json(res, 200, { errcode, errmsg });
  }

  private handle(req: IncomingMessage, raw: Buffer, res: ServerResponse) {
    if (req.method !== 'POST' || pathOf(req) !== '/cgi-bin/webhook/send') return json(res, 404, { errcode: 404, errmsg: 'not found' });
    const key = queryOf(req).get('key') ?? '';
    if (!this.keys.has(key)) return this.answer(res, 93000, `invalid webhook url, hint: [1700000000_fake], from ip: ${req.socket.remoteAddress}`);
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.answer(res, 40035, 'invalid parameter, hint: [json]');
    }
    const bytes = (s: unknown) => Buffer.byteLength(String(s), 'utf8');
    let image: Buffer | undefined;
    switch (body?.msgtype) {
      case 'text':
      case 'markdown': {
        const content = body[body.msgtype]?.content;
        if (typeof content !== 'string' || !content) return this.answer(res, 44004, 'empty content');
        const max = LIMITS[body.msgtype as 'text' | 'markdown'];
        if (bytes(content) > max) return this.answer(res, 40058, `${body.msgtype}.content exceed max length ${max}`);
        break;
      }
      case 'image': {
        const { base64, md5 } = body.image ?? {};
        if (typeof base64 !== 'string' || typeof md5 !== 'string') return this.answer(res, 40035, 'invalid parameter, hint: [image.base64 and image.md5 are required]');
        image = Buffer.from(base64, 'base64');
        if (image.length === 0 || image.length > LIMITS.image) return this.answer(res, 40009, 'invalid image size');
        const png = image.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
        const jpg = image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff;
        if (!png && !jpg) return this.answer(res, 40009, 'invalid image format: only jpg and png');
        if (createHash('md5').update(image).digest('hex') !== md5.toLowerCase()) return this.answer(res, 301019, 'media md5 not match');
        break;
      }
      case 'news':
        if (!Array.isArray(body.news?.articles) || !body.news.articles.length) return this.answer(res, 40035, 'invalid parameter, hint: [news.articles]');
        break;
      default:
        return this.answer(res, 40008, `invalid message type ${String(body?.msgtype)}`);
    }
    if (!this.window.allow(key)) {
      this.stats.throttled++;
      return this.answer(res, 45009, 'api freq out of limit');
    }
    this.messages.push({ key, msgtype: body.msgtype, body, image, at: this.clock.now() });
    this.answer(res, 0, 'ok');
  }
}

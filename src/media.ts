// Images by URL, for robots that cannot upload (DingTalk; Feishu without app credentials): with
// server.publicUrl set, an event's image is served at `<publicUrl>/media/<event id>?sig=<exp>.<mac>`.
// The link is an HMAC over the id and its expiry, so it cannot be guessed or extended; only an
// event's own image is served (no listing, nothing else from the store), and it is gone with the event.
import { createHash, createHmac } from 'node:crypto';
import type Koa from 'koa';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Store } from './store/store.js';
import { safeEqual } from './auth/guard.js';
import { HttpError } from './http/errors.js';

/** How long a link works: long enough for a chat's readers to open it over a week. */
export const MEDIA_TTL_MS = 7 * 24 * 3600_000;

/**
 * The signing key: `server.mediaSecret` when set, else derived from the config's own secrets (bot
 * tokens and webhook URLs, source tokens, the API token), so links outlive a restart without another
 * setting, and change when those secrets do.
 */
export function mediaKey(config: Config): Buffer {
  const own = (config.server as { mediaSecret?: string }).mediaSecret;
  if (own) return createHash('sha256').update(own).digest();
  return createHash('sha256').update('hookbot media v1\0').update(JSON.stringify({ b: config.bots, s: config.sources, a: config.server.apiToken ?? '' })).digest();
}

export class MediaLinks {
  private readonly root: string;

  constructor(
    publicUrl: string,
    private readonly key: Buffer,
    private readonly store: Store,
    private readonly clock: Clock,
  ) {
    this.root = publicUrl.replace(/\/+$/, '');
  }

  private mac(id: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id}.${exp}`).digest('base64url');
  }

  /** The public link to an event's image. */
  url(eventId: string): string {
    const exp = Math.floor((this.clock.now() + MEDIA_TTL_MS) / 1000);
    return `${this.root}/media/${encodeURIComponent(eventId)}?sig=${exp}.${this.mac(eventId, exp)}`;
  }

  /** GET /media/:id — the image bytes, or 403 for a bad or expired link, 404 when there is no image. */
  readonly handler = async (ctx: Koa.Context) => {
    const id = String((ctx as Koa.Context & { params?: Record<string, string> }).params?.['id'] ?? '');
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(typeof ctx.query['sig'] === 'string' ? ctx.query['sig'] : '');
    if (!m || !safeEqual(m[2]!, this.mac(id, Number(m[1])))) throw new HttpError(403, 'this media link is not valid: use the link from the message as it is');
    if (Number(m[1]) * 1000 < this.clock.now()) throw new HttpError(403, 'this media link has expired');
    const notice = await this.store.getNotice(id);
    const img = notice?.image;
    if (!img || !('base64' in img) || !/^image\/[a-z0-9.+-]+$/.test(img.mime)) throw new HttpError(404, 'no image here (the event may have been pruned)');
    ctx.set('Cache-Control', 'private, max-age=86400');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'");
    ctx.type = img.mime;
    ctx.body = Buffer.from(img.base64, 'base64');
  };
}

// The signed /media links: the real handler on a real HTTP server, over a real SQLite store.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { HttpError } from '../../src/http/errors.js';
import { MEDIA_TTL_MS, MediaLinks } from '../../src/media.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { PNG } from '../helpers/images.js';

const clock = new ManualClock(1_700_000_000_000);
let store: SqliteStore;
let server: Server;
let media: MediaLinks;
let seq = 0;

beforeEach(async () => {
  store = SqliteStore.open(join(mkdtempSync(join(tmpdir(), 'hookbot-media-')), 'h.db'), { clock });
  media = new MediaLinks('https://hb.example/', Buffer.alloc(32, 7), store, clock);
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      ctx.status = e instanceof HttpError ? e.status : 500;
      ctx.body = { error: (e as Error).message };
    }
  });
  const router = new Router();
  router.get('/media/:id', media.handler);
  app.use(router.routes());
  server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  await store.close();
});

async function event(image?: { base64: string; mime: string }) {
  const notice = { source: 's', format: 'report', event: 'e', level: 'info' as const, time: new Date(clock.now()).toISOString(), vars: {}, image };
  return (await store.ingest({ id: String(++seq), source: 's', notice, deliveries: [] })).id;
}
/** Fetches a link as the platform would, from this test server instead of the public address. */
const get = (link: string) => fetch(link.replace('https://hb.example', `http://127.0.0.1:${(server.address() as { port: number }).port}`));

describe('media links', () => {
  it('serve an event’s image under the public URL, with its type', async () => {
    const id = await event({ base64: PNG.toString('base64'), mime: 'image/png' });
    const link = media.url(id);
    expect(link).toMatch(new RegExp(`^https://hb\\.example/media/${id}\\?sig=\\d+\\.[\\w-]{43}$`));
    const res = await get(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('refuse a link with another id, a changed expiry, or none, and one past its expiry', async () => {
    const a = await event({ base64: PNG.toString('base64'), mime: 'image/png' });
    const b = await event({ base64: PNG.toString('base64'), mime: 'image/png' });
    const link = media.url(a);
    const sig = new URL(link).searchParams.get('sig')!;
    expect((await get(link.replace(`/media/${a}?`, `/media/${b}?`))).status).toBe(403);
    expect((await get(link.replace(sig, String(Number(sig.split('.')[0]) + 999) + '.' + sig.split('.')[1]))).status).toBe(403);
    expect((await get(link.split('?')[0]!)).status).toBe(403);
    clock.advance(MEDIA_TTL_MS + 1000);
    expect((await get(link)).status).toBe(403);
  });

  it('serve nothing for an event without an image, a pruned event, or the bare /media path', async () => {
    const none = await event();
    expect((await get(media.url(none))).status).toBe(404);
    expect((await get(media.url('999999'))).status).toBe(404);
    expect((await get('https://hb.example/media/')).status).toBe(404);
  });

  it('are signed with the key: another key’s links do not work here', async () => {
    const id = await event({ base64: PNG.toString('base64'), mime: 'image/png' });
    const other = new MediaLinks('https://hb.example', Buffer.alloc(32, 8), store, clock);
    expect((await get(other.url(id))).status).toBe(403);
  });
});

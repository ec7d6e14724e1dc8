// /api/v1/session: what the sign-in page needs before anyone is signed in, and the sign-in itself.
import Router from '@koa/router';
import type Koa from 'koa';
import { HttpError } from '../http/errors.js';
import { csrfOk, type Sessions } from './session.js';

export interface SessionInfo {
  locale: string;
  timezone: string;
  version: string;
}

export function sessionRoutes(sessions: Sessions, info: () => SessionInfo, readJson: (ctx: Koa.Context) => Promise<unknown>): Router {
  const r = new Router();
  r.get('/', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = { signedIn: sessions.authenticate(ctx) !== undefined, enabled: sessions.enabled, ...info() };
  });
  r.post('/', async (ctx) => {
    if (!sessions.enabled) throw new HttpError(404, 'the dashboard is off: set server.apiToken to use it');
    // Sign-in from another site's form would plant a session in the victim's browser: the header
    // that no form can send stops it, as for every other change.
    if (!csrfOk(ctx)) throw new HttpError(403, 'send the X-Hookbot-CSRF header with the sign-in');
    const body = (await readJson(ctx)) as { secret?: unknown } | undefined;
    if (!sessions.accepts(body?.secret)) throw new HttpError(401, 'wrong token or password');
    ctx.set('set-cookie', sessions.cookieHeader(sessions.issue()));
    ctx.status = 204;
  });
  r.delete('/', (ctx) => {
    ctx.set('set-cookie', sessions.clearHeader());
    ctx.status = 204;
  });
  return r;
}

// Every change through /api/v1 goes to the audit log, as chat commands do: who, when, what.
import type Koa from 'koa';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';

export type Auditor = (ctx: Koa.Context, what: string, args: string, outcome: 'ok' | 'refused' | 'error', detail?: string) => Promise<void>;

export function createAuditor(store: Store, clock: Clock): Auditor {
  return async (ctx, what, args, outcome, detail) => {
    // The API token is shared: the caller may say who they are (the dashboard sends its user).
    const who = (ctx.get('x-hookbot-actor') || 'api-token').slice(0, 64);
    await store.audit({ at: clock.now(), bot: 'api', user: who, chat: ctx.request.socket.remoteAddress ?? '', command: what, args, outcome, detail: detail?.slice(0, 1000) });
  };
}

// Mutes through /api/v1: the same store rows as the chat commands /mute and /unmute.
import * as z from 'zod';
import { HttpError } from '../http/errors.js';
import { parseDuration } from '../commands/parse.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { Auditor } from './audit.js';
import { param, type ApiBuilder } from './define.js';

const muteBody = z.strictObject({
  /** A source name or an event glob (`live_*`). */
  pattern: z.string().min(1).max(200),
  /** How long: `30m`, `2h`, `1d`. */
  duration: z.string(),
});
const muteOut = z.object({ id: z.number(), pattern: z.string(), until: z.number(), by: z.string(), createdAt: z.number() });

export function muteRoutes(api: ApiBuilder, deps: { store: Store; clock: Clock; audit: Auditor; changed: () => void }): void {
  api.add({ method: 'get', path: '/mutes', tag: 'mutes', summary: 'The mutes in force', response: z.array(muteOut) }, async () => deps.store.activeMutes(deps.clock.now()));

  api.add({ method: 'post', path: '/mutes', tag: 'mutes', summary: 'Mute a source or an event glob for a while (muted notices are recorded, not sent)', body: muteBody, response: muteOut, status: 201, errors: { 400: 'bad pattern or duration' } }, async (ctx, body) => {
    const parsed = muteBody.safeParse(body);
    if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    let span: number;
    try {
      span = parseDuration(parsed.data.duration);
    } catch (e) {
      throw new HttpError(400, `duration: ${(e as Error).message}`);
    }
    const now = deps.clock.now();
    const m = await deps.store.addMute({ pattern: parsed.data.pattern, until: now + span, by: `api:${(ctx.get('x-hookbot-actor') || 'api-token').slice(0, 64)}`, createdAt: now });
    deps.changed();
    await deps.audit(ctx, 'POST /api/v1/mutes', `${m.pattern} ${parsed.data.duration}`, 'ok');
    return m;
  });

  api.add({ method: 'delete', path: '/mutes/:pattern', tag: 'mutes', summary: "Remove the mutes on a pattern ('all' removes every mute)", response: z.object({ removed: z.number() }), errors: { 404: 'no mute on that pattern' } }, async (ctx) => {
    const pattern = param(ctx, 'pattern');
    const n = await deps.store.removeMutes(pattern);
    if (n === 0 && pattern !== 'all') throw new HttpError(404, `no mute on '${pattern}': list them with GET /api/v1/mutes`);
    deps.changed();
    await deps.audit(ctx, `DELETE /api/v1/mutes/${pattern}`, pattern, 'ok', `${n} removed`);
    return { removed: n };
  });
}

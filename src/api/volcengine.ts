// /api/v1/volcengine/…: the `hookbot volcengine` commands for the running server.
import * as z from 'zod';
import type { Config } from '../config.js';
import { HttpError } from '../http/errors.js';
import { MESSAGE_TYPES } from '../volcengine/client.js';
import { VolcengineError, VolcUsageError } from '../volcengine/errors.js';
import { describe, register, remove, rotate, type Target } from '../volcengine/manage.js';
import { volcService, type VolcServiceOptions } from '../volcengine/service.js';
import type { Auditor } from './audit.js';
import type { ApiBuilder } from './define.js';

const target = z.strictObject({
  source: z.string().min(1),
  /** The push domain. */
  domain: z.string().min(1),
  app: z.string().optional(),
  /** Send it as Domain rather than Vhost (then no app). */
  byDomain: z.boolean().optional(),
  types: z.array(z.enum(MESSAGE_TYPES)).optional(),
  /** hookbot's address as Volcengine reaches it; default server.publicUrl. */
  publicUrl: z.string().url().optional(),
});
const viewOut = z.array(z.object({ messageType: z.string(), app: z.string(), urls: z.array(z.string()), authEnable: z.boolean(), keyIsOurs: z.boolean(), pointsHere: z.boolean(), createdAt: z.string().optional() }));

export interface VolcApiDeps {
  config: () => Config;
  service: Omit<VolcServiceOptions, 'config' | 'publicUrl' | 'by'>;
  audit: Auditor;
}

export function volcengineRoutes(api: ApiBuilder, deps: VolcApiDeps): void {
  const action = (name: 'describe' | 'register' | 'delete' | 'rotate', summary: string, run: (svc: ReturnType<typeof volcService>['deps'], source: string, t: Target) => Promise<unknown>) =>
    api.add({ method: 'post', path: `/volcengine/${name}`, tag: 'volcengine', summary, body: target, response: name === 'delete' ? z.object({ removed: z.array(z.string()) }) : viewOut, errors: { 400: 'bad body, or not set up (the message says what to set)', 502: 'Volcengine refused: the message has its code and the fix' } }, async (ctx, body) => {
      const p = target.safeParse(body);
      if (!p.success) throw new HttpError(400, p.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      const { source, publicUrl, ...t } = p.data;
      try {
        const svc = volcService({ ...deps.service, config: deps.config(), publicUrl, by: 'api' });
        svc.checkSource(source);
        const out = await run(svc.deps, source, t);
        if (name !== 'describe') await deps.audit(ctx, `POST /api/v1/volcengine/${name}`, `${source} ${t.domain}${t.app ? '/' + t.app : ''}`, 'ok');
        return name === 'delete' ? { removed: out } : out;
      } catch (e) {
        if (e instanceof VolcUsageError) throw new HttpError(400, e.message);
        if (e instanceof VolcengineError) {
          await deps.audit(ctx, `POST /api/v1/volcengine/${name}`, source, 'error', e.message);
          throw new HttpError(e.retryable ? 503 : 502, e.message);
        }
        throw e;
      }
    });
  action('describe', 'What Volcengine holds for a domain, and whether it points at this hookbot', describe);
  action('register', "Point the domain's callbacks at a source, signed with its key (UpdateCallback per type)", register);
  action('delete', "Take this hookbot's URL out of the domain's callbacks", remove);
  action('rotate', 'A new signing key: stored and accepted first, then registered; the old one stays accepted', rotate);
}

// POST /api/v1/reload: re-read the config file, as SIGHUP does.
import * as z from 'zod';
import { ConfigError } from '../config.js';
import type { LiveConfig } from '../runtime/live.js';
import type { Auditor } from './audit.js';
import type { ApiBuilder } from './define.js';
import { ProblemsError } from './objects.js';

export function reloadRoutes(api: ApiBuilder, deps: { live: LiveConfig; audit: Auditor }): void {
  api.add({ method: 'post', path: '/reload', tag: 'config', summary: 'Re-read the config file (as SIGHUP does); a broken file is refused with its problems and the running config kept', response: z.object({ reloaded: z.boolean(), sources: z.array(z.string()) }), errors: { 400: 'the file does not validate: `problems` lists each' } }, async (ctx) => {
    try {
      await deps.live.reload();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      await deps.audit(ctx, 'POST /api/v1/reload', '', 'refused', e.problems.join('; '));
      throw new ProblemsError(400, e.problems);
    }
    await deps.audit(ctx, 'POST /api/v1/reload', '', 'ok');
    return { reloaded: true, sources: Object.keys(deps.live.current.config.sources) };
  });
}

// What `/volc describe` runs in the server: the same describe as the CLI and the API.
import { describe, formatViews } from './manage.js';
import { volcService, type VolcServiceOptions } from './service.js';

export function volcChat(o: () => Omit<VolcServiceOptions, 'by'>) {
  return {
    async describe(source: string, domain: string, app?: string): Promise<string> {
      const svc = volcService({ ...o(), by: 'chat' });
      svc.checkSource(source);
      return formatViews(await describe(svc.deps, source, { domain, app }), source);
    },
  };
}

// Prometheus Alertmanager webhook_config, version "4" (reference/inbound-formats.md §5.1).
// Alertmanager signs nothing: it authenticates only through http_config (bearer `authorization`,
// basic auth), so the source token goes in `authorization: {credentials: …}` or the URL.
import type { InboundFormat } from './format.js';
import { asObject } from './lenient.js';
import { alertGroupNotice, alertTemplates, groupSchema } from './alerts.js';
import { plainTitles } from './plain-titles.js';

export const alertmanager: InboundFormat = {
  name: 'alertmanager',
  parse(body, ctx) {
    return alertGroupNotice(groupSchema.parse(asObject(body)), ctx, 'Alertmanager');
  },
  templates: plainTitles(alertTemplates('Alertmanager')),
};

// Grafana alerting webhook contact point (reference/inbound-formats.md §5.2): the Alertmanager
// shape plus orgId, title, state, message and per-alert silenceURL, dashboardURL, panelURL,
// values, imageURL. Also read: legacy alerting (Grafana ≤ 8: {title, ruleName, state, evalMatches,
// imageUrl}) and, since a contact point may use a custom payload template, any other JSON object,
// shown with its `title` and `message` when it has them.
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import type { Level } from '../notice.js';
import { asObject, clip, eventTime, fields, httpUrl, MAX_TITLE, num, safeVars, spreadable, str, bounded, own } from './lenient.js';
import { alertGroupNotice, alertTemplates, groupSchema } from './alerts.js';
import { plainTitles } from './plain-titles.js';

const legacySchema = z.object({
  title: str,
  ruleId: num,
  ruleName: str,
  ruleUrl: str,
  state: str,
  imageUrl: str,
  message: str,
  evalMatches: z
    .array(z.looseObject({ value: z.union([z.number(), z.string()]).nullish(), metric: str }))
    .nullish()
    .transform((v) => v ?? []),
});

const LEGACY_LEVEL: Record<string, Level> = { alerting: 'error', ok: 'success', no_data: 'warning', pending: 'warning', paused: 'info' };

export const grafana: InboundFormat = {
  name: 'grafana',
  parse(body, ctx) {
    const obj = asObject(body);
    if (obj.alerts !== undefined) {
      const g = groupSchema.parse(obj);
      const extra = z.object({ orgId: num, title: str, state: str, message: str }).parse(obj);
      return alertGroupNotice(g, ctx, 'Grafana', { orgId: extra.orgId, state: extra.state, grafana_title: extra.title, message: clip(extra.message) });
    }
    if (obj.ruleName !== undefined || obj.evalMatches !== undefined) {
      const l = legacySchema.parse(obj);
      const state = (l.state ?? 'alerting').toLowerCase();
      const image = httpUrl(l.imageUrl);
      return bounded({
        event: `legacy.${state}`,
        level: own(LEGACY_LEVEL, state) ?? 'info',
        title: clip(l.title ?? `[${state}] ${l.ruleName ?? 'Grafana alert'}`, MAX_TITLE),
        text: clip(l.message ?? ''),
        fields: fields(l.evalMatches.slice(0, 20).map((m) => [m.metric ?? 'value', m.value])),
        image: image ? { url: image } : undefined,
        link: httpUrl(l.ruleUrl),
        time: eventTime(undefined, ctx.clock),
        vars: { ...spreadable(obj), state, ruleName: l.ruleName, url: httpUrl(l.ruleUrl) },
      });
    }
    const c = z.object({ title: str, message: str, state: str, status: str }).parse(obj);
    return bounded({
      event: 'custom',
      level: /alert|firing/i.test(c.state ?? c.status ?? '') ? 'error' : /ok|resolved/i.test(c.state ?? c.status ?? '') ? 'success' : 'info',
      // `||`: a custom template can leave them empty strings, which would render an empty message.
      title: clip(c.title || (ctx.config.locale === 'zh-CN' ? 'Grafana 通知' : 'Grafana notification'), MAX_TITLE),
      text: clip(c.message || JSON.stringify(safeVars(obj), null, 2)),
      time: eventTime(undefined, ctx.clock),
      vars: spreadable(obj),
    });
  },
  templates: plainTitles({
    en: {
      ...alertTemplates('Grafana').en,
      'legacy.alerting': { title: '🔥 {{ title }}', text: '{{ text }}{% if url %}\n[Open rule]({{ url | raw }}){% endif %}' },
      'legacy.ok': { title: '✅ {{ title }}', text: '{{ text }}{% if url %}\n[Open rule]({{ url | raw }}){% endif %}' },
    },
    'zh-CN': {
      ...alertTemplates('Grafana')['zh-CN'],
      'legacy.alerting': { title: '🔥 {{ title }}', text: '{{ text }}{% if url %}\n[打开规则]({{ url | raw }}){% endif %}' },
      'legacy.ok': { title: '✅ {{ title }}', text: '{{ text }}{% if url %}\n[打开规则]({{ url | raw }}){% endif %}' },
    },
  }),
};

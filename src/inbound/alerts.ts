// The Alertmanager webhook shape (version "4"), which Grafana's webhook contact point extends:
// one notice per webhook, one field per alert (reference/inbound-formats.md §5).
// Alertmanager re-sends a firing group every repeat_interval; dedup on groupKey + status +
// fingerprints makes a repeat of the same group in the same state a duplicate.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { ParsedNotice, Level, Field } from '../notice.js';
import type { ParseContext } from './format.js';
import { clip, eventTime, httpUrl, MAX_FIELD, MAX_TITLE, safeVars, str, bounded, toDate } from './lenient.js';
import { formatTime, systemTimeZone } from '../i18n/time.js';
import { asLocale } from '../i18n/locale.js';

const labels = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
  .nullish()
  .transform((v) => v ?? {});

export const alertSchema = z.looseObject({
  status: str,
  labels,
  annotations: labels,
  startsAt: str,
  endsAt: str,
  generatorURL: str,
  fingerprint: str,
  silenceURL: str,
  dashboardURL: str,
  panelURL: str,
  imageURL: str,
  valueString: str,
});

export const groupSchema = z.looseObject({
  receiver: str,
  status: z.string({ error: 'must be "firing" or "resolved"' }),
  alerts: z.array(alertSchema, { error: 'must be a list of alerts' }),
  groupLabels: labels,
  commonLabels: labels,
  commonAnnotations: labels,
  externalURL: str,
  version: str,
  groupKey: str,
  truncatedAlerts: z.number().nullish(),
});
export type AlertGroup = z.output<typeof groupSchema>;
type Alert = z.output<typeof alertSchema>;

/** Shown as fields: Discord allows 25 per embed, and a long list helps nobody in chat. */
const MAX_ALERT_FIELDS = 20;

export function severityLevel(sev: string | undefined): Level {
  const s = (sev ?? '').toLowerCase();
  if (/^(info|informational|low|none|debug)$/.test(s)) return 'info';
  if (/^(warn|warning|medium|minor|p[2-4])$/.test(s)) return 'warning';
  // critical, error, page, high, … and no severity at all: a firing alert wants attention.
  return 'error';
}

function rank(l: Level): number {
  return ['info', 'success', 'warning', 'error'].indexOf(l);
}

/** What hookbot writes itself into the fields, per locale (the status as the title names it). */
const WORDS = {
  en: { firing: 'FIRING', resolved: 'RESOLVED', since: 'since', resolvedAt: 'resolved', more: 'More', notShown: (n: number) => `${n} more alert(s) not shown` },
  zh: { firing: '告警', resolved: '已恢复', since: '开始于', resolvedAt: '恢复于', more: '更多', notShown: (n: number) => `另有 ${n} 条告警未显示` },
};
type Words = (typeof WORDS)['en'];

/** A sender's time as people read it, in the source's zone; as sent when it cannot be read. */
function readable(t: string, ctx: ParseContext): string {
  const d = toDate(t, ctx.config.timezone);
  if (!d || Number.isNaN(d.getTime())) return t;
  return formatTime(d.getTime(), ctx.config.timezone ?? systemTimeZone(), asLocale(ctx.config.locale));
}

function alertField(a: Alert, groupStatus: string, w: Words, ctx: ParseContext): Field {
  const raw = a.status ?? groupStatus;
  const status = raw === 'firing' ? w.firing : raw === 'resolved' ? w.resolved : raw.toUpperCase();
  const where = a.labels.instance ?? a.labels.job ?? '';
  const text = a.annotations.summary ?? a.annotations.description ?? a.valueString ?? '';
  const since = a.status === 'resolved' && a.endsAt && !a.endsAt.startsWith('0001') ? `${w.resolvedAt} ${readable(a.endsAt, ctx)}` : a.startsAt ? `${w.since} ${readable(a.startsAt, ctx)}` : '';
  return {
    name: clip(`[${status}] ${a.labels.alertname ?? 'alert'}${where ? ` (${where})` : ''}`, MAX_TITLE)!,
    value: clip([text, since].filter(Boolean).join('\n') || '-', MAX_FIELD)!,
  };
}

export function dedupOf(g: AlertGroup): string {
  const fps = g.alerts.map((a) => `${a.fingerprint ?? JSON.stringify(a.labels)}:${a.status ?? ''}`).sort();
  return createHash('sha256').update(JSON.stringify([g.groupKey ?? '', g.status, fps])).digest('hex').slice(0, 32);
}

/** The notice for an Alertmanager-shaped group; `extra` adds the sender's own vars. */
export function alertGroupNotice(g: AlertGroup, ctx: ParseContext, sender: string, extra: Record<string, unknown> = {}): ParsedNotice {
  const status = g.status.toLowerCase();
  const firing = g.alerts.filter((a) => (a.status ?? status) === 'firing');
  const level: Level =
    status === 'resolved' ? 'success' : firing.reduce<Level>((acc, a) => (rank(severityLevel(a.labels.severity)) > rank(acc) ? severityLevel(a.labels.severity) : acc), firing.length ? 'info' : 'warning');
  const groupName =
    Object.values(g.groupLabels).join(' ') ||
    g.commonLabels.alertname ||
    (g.alerts.length === 1 ? g.alerts[0]!.labels.alertname : undefined) ||
    Object.values(g.commonLabels).join(' ') ||
    sender;
  const count = status === 'firing' ? `:${firing.length}` : '';
  const w = ctx.config.locale === 'zh-CN' ? WORDS.zh : WORDS.en;
  const shown = g.alerts.slice(0, MAX_ALERT_FIELDS).map((a) => alertField(a, status, w, ctx));
  const hidden = g.alerts.length - shown.length + (g.truncatedAlerts ?? 0);
  if (hidden > 0) shown.push({ name: w.more, value: w.notShown(hidden) });
  const single = g.alerts.length === 1 ? g.alerts[0] : undefined;
  const summary = g.commonAnnotations.summary ?? single?.annotations.summary ?? g.commonAnnotations.description ?? single?.annotations.description;
  const times = g.alerts.map((a) => (status === 'resolved' ? a.endsAt : a.startsAt)).filter((t): t is string => !!t && !t.startsWith('0001')).sort();
  const image = g.alerts.map((a) => httpUrl(a.imageURL)).find(Boolean);
  const url = httpUrl(g.externalURL) ?? httpUrl(single?.generatorURL);
  return bounded({
    event: `alert.${status}`,
    level,
    title: clip(`[${status.toUpperCase()}${count}] ${groupName}`, MAX_TITLE),
    text: clip(summary ?? ''),
    fields: shown,
    image: image ? { url: image } : undefined,
    link: url,
    time: eventTime(times[times.length - 1], ctx.clock, ctx.config.timezone),
    dedupKey: dedupOf(g),
    vars: {
      status,
      receiver: g.receiver,
      group_name: groupName,
      firing: firing.length,
      resolved: g.alerts.length - firing.length,
      summary,
      url,
      alerts: safeVars(g.alerts.slice(0, 100)),
      groupLabels: safeVars(g.groupLabels),
      commonLabels: safeVars(g.commonLabels),
      commonAnnotations: safeVars(g.commonAnnotations),
      externalURL: g.externalURL,
      groupKey: g.groupKey,
      truncatedAlerts: g.truncatedAlerts ?? 0,
      ...extra,
    },
  });
}

/** Default templates shared by Alertmanager and Grafana; fields list the alerts. */
export const alertTemplates = (product: string) => ({
  en: {
    'alert.firing': { title: '🔥 [FIRING:{{ firing }}] {{ group_name }}', text: '{% if summary %}{{ summary }}{% endif %}{% if url %}\n[Open {{ product }}]({{ url | raw }}){% endif %}'.replace('{{ product }}', product) },
    'alert.resolved': { title: '✅ [RESOLVED] {{ group_name }}', text: '{% if summary %}{{ summary }}{% endif %}{% if url %}\n[Open {{ product }}]({{ url | raw }}){% endif %}'.replace('{{ product }}', product) },
    '*': { title: '{{ title }}', text: '{{ text }}' },
  },
  'zh-CN': {
    'alert.firing': { title: '🔥 [告警:{{ firing }}] {{ group_name }}', text: '{% if summary %}{{ summary }}{% endif %}{% if url %}\n[打开 {{ product }}]({{ url | raw }}){% endif %}'.replace('{{ product }}', product) },
    'alert.resolved': { title: '✅ [已恢复] {{ group_name }}', text: '{% if summary %}{{ summary }}{% endif %}{% if url %}\n[打开 {{ product }}]({{ url | raw }}){% endif %}'.replace('{{ product }}', product) },
    '*': { title: '{{ title }}', text: '{{ text }}' },
  },
});

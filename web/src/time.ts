// Times as the user reads them: in the configured time zone, in the dashboard's language.
import type { Lang } from './i18n.js';

/** `2026-12-01 15:04:05` in `timeZone` (24-hour, numeric, the same shape in both languages). */
export function formatTime(ms: number, timeZone: string, lang: Lang): string {
  const parts = new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** `HH:MM` for chart axes. */
export function formatClock(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

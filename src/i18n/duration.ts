// Durations as people read them: `1 h`, `2 h 5 min`, `45 s` / `1小时`, `2小时5分钟`, `45秒`.
// Hand-built rather than Intl.NumberFormat's units: its English forms are `1 hr` or `1h`, differ
// between ICU versions, and Intl.DurationFormat is not in Node 20.
import type { Locale } from './locale.js';

const UNITS: Record<Locale, { names: [string, string, string, string, string]; sep: string }> = {
  //        day     hour   minute   second   millisecond
  en: { names: [' d', ' h', ' min', ' s', ' ms'], sep: ' ' },
  'zh-CN': { names: ['天', '小时', '分钟', '秒', '毫秒'], sep: '' },
};
const SIZES = [86_400_000, 3_600_000, 60_000, 1000] as const;

/**
 * A span of milliseconds in at most `parts` units (default 2), largest first, in whole seconds;
 * smaller units are cut, zero units left out: 3600.5 s → `1 h`, 3725 s → `1 h 2 min`. Under a second it is
 * shown in milliseconds; negative spans count as 0.
 */
export function formatDuration(ms: number, locale: Locale = 'en', parts = 2): string {
  const u = UNITS[locale] ?? UNITS.en;
  const total = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  if (total < 1000) return `${Math.round(total)}${u.names[4]}`;
  // Whole seconds, rounded: a recorder's 4.992 s is `5 s`.
  let rest = Math.round(total / 1000) * 1000;
  const out: string[] = [];
  let started = false;
  let used = 0;
  for (let i = 0; i < SIZES.length && used < parts; i++) {
    const n = Math.floor(rest / SIZES[i]!);
    rest -= n * SIZES[i]!;
    if (n > 0 || started) used++;
    if (n > 0) out.push(`${n}${u.names[i]}`);
    if (n > 0) started = true;
  }
  return out.join(u.sep);
}

/** The same for a number of seconds (what senders give: BililiveRecorder, OneLiveRec, Volcengine). */
export function formatSeconds(seconds: number, locale: Locale = 'en', parts = 2): string {
  return formatDuration(seconds * 1000, locale, parts);
}

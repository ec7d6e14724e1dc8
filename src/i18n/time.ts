// Times in the configured IANA zone, with Intl (no date library): what users read, and how a
// sender's naive timestamp (BetterGI's `yyyy-MM-dd HH:mm:ss`, no offset) is placed on the clock.
import type { Locale } from './locale.js';

/** The zone this machine runs in (TZ, else the OS's), `UTC` when it cannot be told. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True for a zone name Intl knows (`Asia/Shanghai`, `UTC`, `Europe/Berlin`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function wallClock(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    partsCache.set(tz, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** `GMT+08:00`, or `GMT` for UTC. */
  offsetName: string;
}

function wall(ms: number, tz: string): Wall {
  const p: Record<string, string> = {};
  for (const x of wallClock(tz).formatToParts(new Date(ms))) p[x.type] = x.value;
  return { year: +p['year']!, month: +p['month']!, day: +p['day']!, hour: +p['hour']!, minute: +p['minute']!, second: +p['second']!, offsetName: p['timeZoneName'] ?? 'GMT' };
}

/** The zone's offset from UTC at that instant, in milliseconds (east positive). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const w = wall(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `tz` names (fields as in Date.UTC, month from 1). In a gap
 * (spring forward) it lands after the gap; in an overlap it takes the earlier of the two.
 */
export function wallTimeToUtc(tz: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millis = 0): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // The offsets a day either side cover any DST change near this time: each gives a candidate,
  // and a candidate is right when the zone's clock shows the wanted time at it.
  const candidates = [...new Set([zoneOffsetMs(naive - 86_400_000, tz), zoneOffsetMs(naive + 86_400_000, tz)])].map((o) => naive - o);
  const right = candidates.filter((t) => t + zoneOffsetMs(t, tz) === naive).sort((a, b) => a - b);
  return right[0] ?? candidates[0]!;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `+08:00` → `UTC+8`, `+05:30` → `UTC+5:30`, none → `UTC`: short, and the same in both languages. */
function offsetLabel(name: string): string {
  const m = /([+-])(\d{2}):?(\d{2})/.exec(name);
  if (!m || (m[2] === '00' && m[3] === '00')) return 'UTC';
  return `UTC${m[1]}${Number(m[2])}${m[3] === '00' ? '' : ':' + m[3]}`;
}

/**
 * `2024-05-01 20:00 UTC+8`: a time as users read it in `tz`. The numeric form reads the same in
 * English and Chinese and is unambiguous in a group whose members live in several zones; `locale`
 * is accepted so callers need not care.
 */
export function formatTime(ms: number, tz: string, _locale: Locale = 'en', withSeconds = false): string {
  const w = wall(ms, tz);
  const time = `${pad(w.hour)}:${pad(w.minute)}${withSeconds ? ':' + pad(w.second) : ''}`;
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${time} ${offsetLabel(w.offsetName)}`;
}

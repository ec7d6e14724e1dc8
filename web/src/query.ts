// Event filters ⇄ the query string of /api/v1/events, and of the page's own URL hash, so a filtered
// view can be bookmarked and the browser's back button works.
export interface EventFilter {
  source?: string;
  event?: string;
  level?: string;
  q?: string;
  /** A page further back: events created before this time (ms), the last one shown before. */
  before?: string;
}

const KEYS = ['source', 'event', 'level', 'q', 'before'] as const;

/** The next page back: the same filter, before the oldest event on this one. */
export function olderPage(f: EventFilter, oldestCreatedAt: number): EventFilter {
  return { ...f, before: String(oldestCreatedAt) };
}

export function filterToQuery(f: EventFilter, extra: Record<string, string | number | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    const v = f[k]?.trim();
    if (v) p.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function queryToFilter(search: string): EventFilter {
  const p = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const f: EventFilter = {};
  for (const k of KEYS) {
    const v = p.get(k);
    if (v) f[k] = v;
  }
  return f;
}

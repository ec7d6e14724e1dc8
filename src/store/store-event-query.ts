// EventQuery for any Store, from its contract methods alone: filters applied to the most recent
// events. Used with PostgreSQL until it has its own indexed queries.
import { countAt, emptyActivity, type EventFilter, type EventQuery } from './event-query.js';
import type { Capture, Store } from './store.js';

const SCAN = 2000;

export function storeEventQuery(store: Store): EventQuery {
  return {
    async searchEvents(f: EventFilter) {
      const text = f.text?.toLowerCase();
      const out = [];
      for (const e of await store.recentEvents(SCAN)) {
        if ((f.source && e.source !== f.source) || (f.event && e.event !== f.event) || (f.level && e.level !== f.level) || (f.before !== undefined && e.createdAt >= f.before)) continue;
        if (text && !(e.title ?? '').toLowerCase().includes(text) && !JSON.stringify((await store.getNotice(e.id)) ?? {}).toLowerCase().includes(text)) continue;
        out.push(e);
        if (out.length >= f.limit) break;
      }
      return out;
    },
    // From the most recent events and their deliveries only (SCAN at most): enough for a chart.
    async activity(since: number, now: number, bucketMs: number) {
      const a = emptyActivity(since, now, bucketMs);
      for (const e of await store.recentEvents(SCAN)) {
        if (e.createdAt < a.from) break;
        countAt(a, 'webhooks', e.createdAt);
        for (const d of await store.deliveriesOf(e.id)) if (d.state === 'sent') countAt(a, 'sent', d.updatedAt);
      }
      return a;
    },
    async captureOf(eventId: string) {
      const n = await store.getNotice(eventId);
      return n ? (await store.captures(n.source, 1000)).find((c) => c.outcome === `accepted ${eventId}`) : undefined;
    },
    async capture(id: number): Promise<Capture | undefined> {
      // Captures are kept per source; look through the sources that have recent events.
      for (const e of await store.lastEventPerSource()) {
        const c = (await store.captures(e.source, 1000)).find((x) => x.id === id);
        if (c) return c;
      }
      return undefined;
    },
  };
}

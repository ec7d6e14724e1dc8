// What a mute pattern may name: a configured source, or an event hookbot knows of (documented by
// the sources' formats, given a template in the config, or seen lately).
import type { Config, SourceConfig } from '../../config.js';
import { formats } from '../../inbound/index.js';
import type { Store } from '../../store/store.js';

/** How far back seen events count: enough for every event a chat has been getting. */
const SEEN = 500;

export async function knownEvents(config: Config, store: Store): Promise<string[]> {
  const out = new Set<string>();
  for (const s of Object.values(config.sources) as SourceConfig[]) {
    const f = formats[s.format];
    for (const e of f?.events ?? []) out.add(e);
    for (const e of Object.keys(f?.templates.en ?? {})) if (e !== '*') out.add(e);
  }
  // A config template is keyed `<source>.<event>`, `<event>` or `<source>`.
  for (const k of Object.keys(config.templates)) {
    const [first, ...rest] = k.split('.');
    if (rest.length && Object.hasOwn(config.sources, first!)) out.add(rest.join('.'));
    else if (!Object.hasOwn(config.sources, k)) out.add(k);
  }
  for (const e of await store.recentEvents(SEEN)) out.add(e.event);
  return [...out].sort();
}

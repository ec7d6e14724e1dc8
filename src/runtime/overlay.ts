// Where each kind of stored object goes in the config, and which names the file already defines.
// Stored objects are added to the file's contents before validation, so one schema checks both.
import type { ObjectKind, StoredObject } from '../store/config-objects.js';

/** The config section of each kind managed through /api/v1 (volcKeys are merged into sources). */
export const SECTION: Record<Exclude<ObjectKind, 'volcKeys'>, string> = {
  source: 'sources',
  route: 'routes',
  template: 'templates',
  person: 'people',
  group: 'groups',
};

/** The file's contents plus the stored objects. Stored routes follow the file's, in name order. */
export function overlay(raw: Record<string, unknown>, stored: StoredObject[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const map = (section: string) => (out[section] = { ...((raw[section] as Record<string, unknown> | undefined) ?? {}) }) as Record<string, unknown>;
  const sections = { sources: map('sources'), templates: map('templates'), people: map('people'), groups: map('groups') } as Record<string, Record<string, unknown>>;
  const routes = [...((raw['routes'] as unknown[] | undefined) ?? [])];
  for (const o of [...stored].sort((a, b) => a.name.localeCompare(b.name))) {
    if (o.kind === 'route') routes.push(o.body);
    else if (o.kind !== 'volcKeys') sections[SECTION[o.kind]]![o.name] = o.body;
  }
  // Keys a rotation stored replace the file's for that source.
  for (const o of stored) {
    const src = sections['sources']![o.name] as Record<string, unknown> | undefined;
    if (o.kind === 'volcKeys' && src && src['format'] === 'volcengine') sections['sources']![o.name] = { ...src, keys: o.body };
  }
  out['routes'] = routes;
  return out;
}

/** The names each section of the file defines (read-only through the API). */
export function fileNames(raw: Record<string, unknown>): Record<Exclude<ObjectKind, 'volcKeys' | 'route'>, Set<string>> {
  const keys = (section: string) => new Set(Object.keys((raw[section] as object | undefined) ?? {}));
  return { source: keys('sources'), template: keys('templates'), person: keys('people'), group: keys('groups') };
}

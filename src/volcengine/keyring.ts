// The keys a Volcengine source checks callback signatures with. The YAML's `keys` are the start;
// a rotation (or a register on a source without keys) keeps its list in the store, which then wins,
// so every instance accepts the new primary before Volcengine signs with it.
import { randomBytes } from 'node:crypto';
import type { ConfigObjectStore } from '../store/config-objects.js';

export interface KeyRing {
  /** Primary first. */
  keys(source: string): Promise<string[]>;
  setKeys(source: string, keys: string[], by: string): Promise<void>;
}

/** 32 letters and digits: what the Live console accepts as an auth key. */
export const newAuthKey = () => randomBytes(16).toString('hex');

export function storeKeyRing(objects: ConfigObjectStore, yamlKeys: (source: string) => string[] | undefined, now: () => number): KeyRing {
  return {
    async keys(source) {
      const stored = await objects.get('volcKeys', source);
      return stored ? (stored.body as string[]) : (yamlKeys(source) ?? []);
    },
    async setKeys(source, keys, by) {
      await objects.put({ kind: 'volcKeys', name: source, body: keys, updatedAt: now(), updatedBy: by });
    },
  };
}

// Builds the Volcengine management for one caller (the CLI or the running server): the client from
// the `volcengine:` block, the key ring in the store, and hookbot's callback URL for a source.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ConfigObjectStore } from '../store/config-objects.js';
import { VolcClient } from './client.js';
import { storeKeyRing } from './keyring.js';
import type { ManageDeps } from './manage.js';

export interface VolcServiceOptions {
  config: Config;
  objects: ConfigObjectStore;
  clock: Clock;
  /** The sources as configured now (the file's and the stored ones), to check the name and read its keys. */
  source(name: string): { format: string; keys?: string[] } | undefined;
  /** --public-url, else server.publicUrl. */
  publicUrl?: string;
  by: string;
  settle?: () => Promise<void>;
  /** Only in the server: the keys its running configuration checks a source with (ManageDeps.acceptedKeys). */
  acceptedKeys?: (source: string) => string[] | undefined;
  fetch?: typeof fetch;
}

import { VolcUsageError } from './errors.js';

export function volcService(o: VolcServiceOptions): { deps: ManageDeps; checkSource(name: string): void } {
  const v = o.config.volcengine;
  if (!v) throw new VolcUsageError('volcengine: not configured: add volcengine: { accessKeyId: "${VOLC_AK}", secretAccessKey: "${VOLC_SK}" } to the config (访问控制 → 密钥管理)');
  const base = (o.publicUrl ?? o.config.server.publicUrl)?.replace(/\/+$/, '');
  const client = new VolcClient({ credentials: { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey, sessionToken: v.sessionToken, region: v.region, endpoint: v.endpoint }, clock: o.clock, fetch: o.fetch });
  const keyring = storeKeyRing(o.objects, (name) => o.source(name)?.keys, () => o.clock.now());
  return {
    checkSource(name) {
      const s = o.source(name);
      if (!s) throw new VolcUsageError(`no source '${name}': add one with format: volcengine (in the file or with PUT /api/v1/sources/${name})`);
      if (s.format !== 'volcengine') throw new VolcUsageError(`source '${name}' has format ${s.format}: Volcengine callbacks need a source with format: volcengine`);
      if (!base) throw new VolcUsageError('hookbot\'s public address is unknown: pass --public-url https://hook.example.com or set server.publicUrl');
    },
    deps: {
      client,
      keyring,
      callbackUrl: (name) => `${base}/hooks/${encodeURIComponent(name)}`,
      settle: o.settle,
      acceptedKeys: o.acceptedKeys,
      by: o.by,
    },
  };
}

// Every token and secret in a config is registered for masking, including those of objects created
// at run time through the API.
import { registerSecret } from '../log.js';

export function registerConfigSecrets(config: unknown): void {
  const walk = (v: unknown, key = '') => {
    if (typeof v === 'string' && /token|secret|key|password/i.test(key)) registerSecret(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(config);
}

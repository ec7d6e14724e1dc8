// Secrets come from the platforms' declarations (`capabilities.secrets`), not from guessing by key
// names: each bot's secret values are registered once with the logger's masking, and each adapter
// masks its own error texts with the same list.
import type { PlatformDeclaration } from '../bot.js';
import { mask, registerSecret } from '../log.js';

/** The values at `keys` (dotted for nested options: `webhook.secret`) in a bot's options. */
export function secretValues(options: unknown, keys: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of keys) {
    let v: unknown = options;
    for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    if (typeof v === 'string' && v) out.push(v);
  }
  return out;
}

/** Hides each of `secrets` (longest first, so one that contains another is hidden whole) and the token shapes log.ts knows. */
export function masker(secrets: readonly string[]): (text: string) => string {
  const list = [...new Set(secrets.filter(Boolean))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join('***');
    return mask(out);
  };
}

interface SecretsConfig {
  server: { apiToken?: string };
  bots: Record<string, unknown>;
  sources: Record<string, unknown>;
  commands: { request: { headers: Record<string, string> } }[];
}

/**
 * Registers every secret of a config with the logger: the bots' by their platform's declaration, the
 * sources' tokens and signing secrets, the API token, and custom commands' header values.
 */
export function registerConfigSecrets(config: SecretsConfig, platforms: Record<string, PlatformDeclaration>): void {
  registerSecret(config.server.apiToken);
  for (const b of Object.values(config.bots)) {
    const decl = platforms[(b as { platform: string }).platform];
    for (const v of secretValues(b, decl?.capabilities.secrets ?? [])) registerSecret(v);
  }
  // Source options differ by format (token, tokens, secret, hmac keys …): every string under a key
  // that names a secret is one.
  const walk = (v: unknown, key = '') => {
    if (typeof v === 'string' && /token|secret|key|password/i.test(key)) registerSecret(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(config.sources);
  // A custom command's Authorization or API-key header is a secret whatever its name.
  for (const c of config.commands) for (const v of Object.values(c.request.headers)) registerSecret(v.replace(/^(Bearer|Basic|Token)\s+/i, ''));
}

// Which names (headers, query parameters, JSON keys, form fields) hold credentials. Names are
// split into words (`accessToken`, `api_key`, `X-Hub-Signature-256`), so `groupKey` (Alertmanager's
// dedup key) or `design` are kept while `key`, `apiKey` and `sign` (Volcengine) are not.
const WORDS = new Set([
  'token', 'tokens', 'secret', 'secrets', 'password', 'passwd', 'pwd', 'passphrase',
  'signature', 'signatures', 'sign', 'sig', 'apikey', 'authorization', 'auth', 'cookie',
  'credential', 'credentials', 'keys', 'whsec',
]);
// A `key` is a credential when it is the whole name or follows one of these.
const KEY_QUALIFIERS = new Set(['api', 'access', 'secret', 'private', 'signing', 'sign', 'app', 'auth', 'client', 'encryption', 'master', 'session', 'webhook', 'hook']);

export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

// Names ending in one of these describe a credential without being one (`sign_type`,
// `X-Grafana-Alerting-Signature-Timestamp`, `token_type`), and help when reading a capture.
const DESCRIPTIVE = new Set(['timestamp', 'id', 'type', 'version', 'algorithm', 'alg', 'at', 'time', 'expires', 'expiry', 'method', 'header']);

// Payloads repeat the same few names on every request: each is split into words once. Bounded,
// since the names come from senders: short names only, and emptied whole when full (rare, cheap).
const known = new Map<string, boolean>();
const KNOWN_MAX = 4096;
const KNOWN_LENGTH = 64;

export function isSensitiveName(name: string): boolean {
  let sensitive = known.get(name);
  if (sensitive === undefined) {
    sensitive = judge(name);
    if (name.length <= KNOWN_LENGTH) {
      if (known.size >= KNOWN_MAX) known.clear();
      known.set(name, sensitive);
    }
  }
  return sensitive;
}

function judge(name: string): boolean {
  const w = words(name);
  if (w.length > 1 && DESCRIPTIVE.has(w[w.length - 1]!)) return false;
  if (w.some((x) => WORDS.has(x))) return true;
  const joined = w.join('');
  if (joined === 'key' || joined === 'apikey' || joined === 'accesskey' || joined === 'secretkey' || joined === 'privatekey') return true;
  return w.some((x, i) => x === 'key' && i > 0 && KEY_QUALIFIERS.has(w[i - 1]!));
}

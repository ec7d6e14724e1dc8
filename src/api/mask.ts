// Secrets in objects shown through the API: a token is shown once, when it is made; afterwards only
// its last characters, enough to tell two apart.
const SECRET_KEY = /token|secret|key|password/i;

export function maskSecret(v: string): string {
  return v.length >= 16 ? `***${v.slice(-4)}` : '***';
}

export function maskObject(v: unknown, key = ''): unknown {
  if (typeof v === 'string') return SECRET_KEY.test(key) ? maskSecret(v) : v;
  if (Array.isArray(v)) return v.map((x) => maskObject(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskObject(x, k)]));
  return v;
}

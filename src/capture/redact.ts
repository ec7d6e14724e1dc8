// What a payload keeps once it is in hookbot: everything that shows what the sender posts, nothing
// that lets someone else post as the sender or as hookbot. Redaction is by name (headers, query
// parameters, JSON keys and form fields that name a credential) and by value (any configured secret
// — every source's token and signing secret, every bot's token — wherever it appears).
// redactValue() is the one function that does it to JSON: the receiver runs it over a payload before
// any format reads it (so nothing stored or rendered holds a secret), and captures run it again.
import type { SourceConfig } from '../config.js';
import { resolveScheme } from '../auth/schemes.js';
import { isSensitiveName } from './sensitive.js';

export const REDACTED = '[redacted]';

export interface RawPayload {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RedactedPayload {
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string;
}

export interface RedactOptions {
  /**
   * JSON string values longer than this are replaced by a note of their length. A BetterGI
   * screenshot is several MB of base64; twenty of them per source would swell the store.
   */
  maxString?: number;
  /** A non-JSON body longer than this (in characters) is cut. */
  maxBody?: number;
  /** Secrets from the whole config (collectSecrets), besides the source's own. */
  secrets?: readonly string[];
}

const DEFAULTS: Required<Omit<RedactOptions, 'secrets'>> = { maxString: 64 * 1024, maxBody: 1024 * 1024 };

// Headers that carry credentials whatever their name says.
const ALWAYS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export function redactPayload(source: SourceConfig, p: RawPayload, opts: RedactOptions = {}): RedactedPayload {
  const o = { ...DEFAULTS, ...opts };
  const secrets = opts.secrets ? mergeSecrets(configSecrets(source), opts.secrets) : configSecrets(source);
  const needles = needlesOf(secrets);
  const signatureHeaders = new Set<string>();
  if (source.signature) for (const h of resolveScheme(source.signature).headers) signatureHeaders.add(h);

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.headers)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    const sensitive = ALWAYS.has(name) || signatureHeaders.has(name) || isSensitiveName(name);
    headers[name] = sensitive ? REDACTED : scrub(flat(v), needles);
  }
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.query)) {
    if (v === undefined) continue;
    query[k] = isSensitiveName(k) ? REDACTED : scrub(flat(v), needles);
  }
  return { headers, query, body: redactBody(p.body, contentType(p.headers), secrets, o) };
}

function flat(v: string | string[]): string {
  return Array.isArray(v) ? v.join(', ') : v;
}

function contentType(h: RawPayload['headers']): string {
  const v = h['content-type'] ?? h['Content-Type'];
  return (Array.isArray(v) ? v[0] : v)?.toLowerCase() ?? '';
}

/** Every string the source's config holds under a credential's name (token, signature secrets, format keys). */
export function configSecrets(source: SourceConfig): string[] {
  return collectSecrets(source, 4);
}

/**
 * Every string a config (or part of one) holds under a credential's name, at any depth: source
 * tokens and signing secrets, bot tokens, the API token, custom commands' Authorization headers.
 * Shorter values than `minLength` are left out, so that a short word is never cut out of texts.
 */
export function collectSecrets(root: unknown, minLength = 8): string[] {
  const out = new Set<string>();
  const collect = (v: unknown) => {
    if (typeof v === 'string' && v.length >= minLength) out.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) (isSensitiveName(k) ? collect : walk)(x);
  };
  walk(root);
  // Longest first, so a secret that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

function mergeSecrets(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort((x, y) => y.length - x.length);
}

/** A text with every configured secret (and its URL-encoded form) cut out. */
export function redactText(s: string, secrets: readonly string[]): string {
  return scrubValues(s, secrets);
}

function scrubValues(s: string, secrets: readonly string[]): string {
  return scrub(s, needlesOf(secrets));
}

/** The texts to cut out for a list of secrets: each secret, then its URL-encoded form when that differs. */
interface Needles {
  list: string[];
  /** The shortest: a string shorter than it holds none. */
  shortest: number;
}

// Computed once per list (the receiver passes the same one on every request), not once per string.
const needleCache = new WeakMap<readonly string[], Needles>();

function needlesOf(secrets: readonly string[]): Needles {
  let n = needleCache.get(secrets);
  if (!n) {
    const list: string[] = [];
    for (const secret of secrets) {
      list.push(secret);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) list.push(encoded);
    }
    n = { list, shortest: list.reduce((m, x) => Math.min(m, x.length), Infinity) };
    needleCache.set(secrets, n);
  }
  return n;
}

function scrub(s: string, needles: Needles): string {
  if (s.length < needles.shortest) return s;
  // In order: a secret's encoded form is looked for once the secret itself is out.
  for (const needle of needles.list) if (s.includes(needle)) s = s.split(needle).join(REDACTED);
  return s;
}

function redactBody(body: Buffer, type: string, secrets: readonly string[], o: Required<Omit<RedactOptions, 'secrets'>>): string {
  const text = body.toString('utf8');
  const json = tryJson(text);
  if (json.ok) {
    try {
      const changed = redactValue(json.value, secrets, o.maxString);
      return changed ? JSON.stringify(json.value) : text;
    } catch {
      // Too deep to serialise again: fall through to the text rules below.
    }
  }
  let out = scrubValues(text, secrets);
  if (type.startsWith('application/x-www-form-urlencoded') || (!json.ok && looksLikeForm(out))) out = redactForm(out);
  // JSON too deep to walk, or broken JSON: still take out `"name": value` pairs.
  else if (/^\s*[[{]/.test(out)) out = redactJsonText(out);
  return out.length > o.maxBody ? out.slice(0, o.maxBody) + `\n[${out.length - o.maxBody} more characters not kept]` : out;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Redacts a JSON value in place: values under credential names become REDACTED, configured secrets
 * are cut out of every string, and strings longer than `maxString` become a note of their length.
 * Returns whether anything changed. An explicit stack, so deep nesting cannot overflow the call stack.
 */
export function redactValue(root: unknown, secrets: readonly string[], maxString = Infinity): boolean {
  const needles = needlesOf(secrets);
  let changed = false;
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'string') {
          const s = fixString(v, needles, maxString);
          if (s !== v) {
            node[i] = s;
            changed = true;
          }
        } else if (v && typeof v === 'object') stack.push(v);
      }
    } else if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        const v = obj[k];
        if (isSensitiveName(k) && v !== null && v !== '') {
          obj[k] = REDACTED;
          changed = true;
        } else if (typeof v === 'string') {
          const s = fixString(v, needles, maxString);
          if (s !== v) {
            obj[k] = s;
            changed = true;
          }
        } else if (v && typeof v === 'object') stack.push(v);
      }
    }
  }
  return changed;
}

function fixString(v: string, needles: Needles, maxString: number): string {
  const s = scrub(v, needles);
  return s.length > maxString ? `[${s.length} characters not kept]` : s;
}

// For JSON that cannot be parsed or serialised again: redacts `"name": scalar` pairs in place.
function redactJsonText(text: string): string {
  return text.replace(/"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false)/g, (m, key: string, colon: string) =>
    isSensitiveName(key) ? `"${key}"${colon}"${REDACTED}"` : m,
  );
}

function looksLikeForm(text: string): boolean {
  return /^[\w.%+-]+=[^&\s]*(&[\w.%+-]+=[^&\s]*)*$/.test(text);
}

function redactForm(text: string): string {
  const params = new URLSearchParams(text);
  let changed = false;
  for (const k of new Set(params.keys())) {
    if (isSensitiveName(k)) {
      params.set(k, REDACTED);
      changed = true;
    }
  }
  return changed ? params.toString() : text;
}

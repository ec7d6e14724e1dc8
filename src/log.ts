// pino logging with secrets masked in every line: configured secrets by value, and anything that
// looks like a bot token (Telegram's bot<id>:<secret> in URLs, Slack xox… tokens, Bearer values).
import pino, { type Logger } from 'pino';

const secrets = new Set<string>();

/** Every configured token and secret is registered at start-up, so it is masked wherever it shows up. */
export function registerSecret(s: string | undefined): void {
  if (s && s.length >= 8) secrets.add(s);
}

const PATTERNS: [RegExp, string][] = [
  [/\bbot\d+:[A-Za-z0-9_-]{20,}/g, 'bot***'],
  [/\bxox[abprce]-[A-Za-z0-9-]+/g, 'xox*-***'],
  [/\bxapp-[A-Za-z0-9-]+/g, 'xapp-***'],
  [/(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***'],
  // A value does not start with punctuation: "send it as ?token=, Authorization: …" stays readable.
  [/([?&](?:token|key|secret|sign)=)[^&\s"',;)][^&\s"']*/gi, '$1***'],
];

export function mask(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

function maskDeep(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return mask(v);
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (v instanceof Error) return { type: v.name, message: mask(v.message), stack: v.stack ? mask(v.stack) : undefined };
  if (Array.isArray(v)) return v.map((x) => maskDeep(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = /token|secret|password|authorization|^key$|^sign$/i.test(k) ? '***' : maskDeep(x, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? mask(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination(2),
  );
}

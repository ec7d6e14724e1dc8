// pino logging with secrets masked in every line: configured secrets by value, and anything that
// looks like a bot token (Telegram's bot<id>:<secret> in URLs, Slack xox… tokens, Bearer values).
// Lines are JSON for machines (a pipe, a file, journald) and readable text on a terminal; masking
// happens before either is written.
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The format to write in: HOOKBOT_LOG_FORMAT wins over the config's `log.format`; `auto` (the
 * default) is readable text when the log goes to a terminal and JSON otherwise.
 */
export function resolveLogFormat(env: string | undefined, configured: string | undefined, isTTY: boolean): 'pretty' | 'json' {
  const pick = [env, configured].find((v): v is LogFormat => v !== undefined && v !== '' && (LOG_FORMATS as readonly string[]).includes(v)) ?? 'auto';
  return pick === 'auto' ? (isTTY ? 'pretty' : 'json') : pick;
}

// pino-pretty is loaded only when a terminal reads the log: a service writing JSON never pays for it.
function prettyStream(destination: pino.DestinationStream | undefined, colorize: boolean): pino.DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const build = (pretty as unknown as { default?: typeof pretty }).default ?? pretty;
  return build({ destination: destination ?? 2, sync: true, colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

const secrets = new Set<string>();

/** Every configured token and secret is registered at start-up, so it is masked wherever it shows up. */
export function registerSecret(s: string | undefined): void {
  if (s && s.length >= 8) secrets.add(s);
}

const PATTERNS: [RegExp, string][] = [
  [/\bbot\d+:[A-Za-z0-9_-]{20,}/g, 'bot***'],
  // A Telegram bot token outside a Bot API URL (its id, a colon, 35 URL-safe characters).
  [/\b\d{5,}:[A-Za-z0-9_-]{30,}/g, '***'],
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

/**
 * A logger writing to `destination` (default stderr). `format` is `pretty`, `json`, or `auto`
 * (pretty when stderr is a terminal); JSON when not given, as tests and child processes expect.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: string = 'json'): Logger {
  const mode = format === 'json' ? 'json' : resolveLogFormat(undefined, format, destination === undefined && process.stderr.isTTY === true);
  const out = mode === 'pretty' ? prettyStream(destination, destination === undefined && process.stderr.isTTY === true) : destination ?? pino.destination(2);
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
    out,
  );
}

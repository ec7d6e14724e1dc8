// Turning chat text into a command: `/cmd@botname args`, argument words, durations.
import ms from 'ms';

export interface ParsedCommand {
  /** Lower-case name without the slash or @botname. */
  name: string;
  /** Everything after the name, trimmed. */
  args: string;
}

// Telegram command names are 1-32 of [a-z0-9_]; we accept upper case and fold it, since
// people type `/Status` and Telegram delivers it as written (core.telegram.org/bots/features#commands).
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?=\s|$)\s*([\s\S]*)$/;

/**
 * Parses `/cmd args` and `/cmd@botname args`. Returns undefined for text that is not a command,
 * and for a command addressed to another bot (in a group every bot sees `/status@otherbot`).
 */
export function parseCommandText(text: string, botUsername?: string): ParsedCommand | undefined {
  const m = COMMAND.exec(text.trimStart());
  if (!m) return undefined;
  const addressee = m[2];
  if (addressee && botUsername && addressee.toLowerCase() !== botUsername.replace(/^@/, '').toLowerCase()) return undefined;
  return { name: m[1]!.toLowerCase(), args: m[3]!.trim() };
}

/**
 * Splits arguments into words at white space; "double" or 'single' quotes keep spaces in a word,
 * and a backslash escapes the next character. An unclosed quote runs to the end.
 */
export function splitArgs(args: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (c === '\\' && i + 1 < args.length) {
      cur += args[++i];
      inWord = true;
    } else if (quote) {
      if (c === quote) quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** The longest mute we accept: a forgotten mute should not hide a source for years. */
export const MAX_DURATION_MS = 366 * 24 * 3600_000;

/** A duration the user typed wrong: `key` says how, in their language (see i18n/catalog.ts). */
export class DurationError extends Error {
  constructor(
    readonly key: 'duration.noUnit' | 'duration.bad' | 'duration.notPositive' | 'duration.tooLong',
    readonly text: string,
    message: string,
  ) {
    super(message);
    this.name = 'DurationError';
  }
}

/**
 * Parses a duration like `30m`, `2h`, `1d`, `1.5h`, `2 hours` (the `ms` package). A bare number is
 * refused: `ms` would read it as milliseconds, which nobody means in chat.
 * Throws a DurationError whose message says what to type.
 */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) throw new DurationError('duration.noUnit', t, `'${t}' has no unit: write e.g. ${t}m, ${t}h or ${t}d`);
  const v = t ? (ms(t as ms.StringValue) as number | undefined) : undefined;
  if (v === undefined || !Number.isFinite(v)) throw new DurationError('duration.bad', t, `'${t}' is not a duration: write e.g. 30m, 2h or 1d`);
  if (v <= 0) throw new DurationError('duration.notPositive', t, `'${t}' is not a positive duration: write e.g. 30m, 2h or 1d`);
  if (v > MAX_DURATION_MS) throw new DurationError('duration.tooLong', t, `'${t}' is too long: at most 366d`);
  return Math.round(v);
}

// Small text helpers for replies in the neutral markup (see render/markup.ts).
import { escapeMarkup } from '../render/markup.js';

/** A value shown as code; `code('')` is an empty string since an empty code span is not markup. */
export function code(text: string): string {
  if (text === '') return '';
  return '`' + text.replace(/[\\`]/g, (c) => '\\' + c) + '`';
}

export const esc = escapeMarkup;

/** At most `max` characters, with an ellipsis when cut; line breaks become spaces when `oneLine`. */
export function shorten(text: string, max: number, oneLine = false): string {
  const t = oneLine ? text.replace(/\s+/g, ' ').trim() : text;
  if (t.length <= max) return t;
  let cut = max - 1;
  const c = t.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut -= 1; // do not split a surrogate pair
  return t.slice(0, cut) + '…';
}

/** `3d 4h`, `2h 5m`, `45s`: the two largest units, for uptime and mute expiry. */
export function formatSpan(msSpan: number): string {
  let s = Math.max(0, Math.floor(msSpan / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0 || (unit === 's' && parts.length === 0)) parts.push(`${n}${unit}`);
  }
  return parts.slice(0, 2).join(' ');
}

/** `2024-05-01 12:34 UTC`: one zone for everyone in a group chat. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** The target address of a chat, as written in the config: `<bot>:<chat>[/<thread>]`. */
export function targetOf(bot: string, chat: string, thread?: string): string {
  return `${bot}:${chat}${thread ? '/' + thread : ''}`;
}

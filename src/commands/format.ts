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

/** The target address of a chat, as written in the config: `<bot>:<chat>[/<thread>]`. */
export function targetOf(bot: string, chat: string, thread?: string): string {
  return `${bot}:${chat}${thread ? '/' + thread : ''}`;
}

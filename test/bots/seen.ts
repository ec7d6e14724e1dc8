// What a person reads, for the adapter contract test: each platform's native message markup turned
// back into plain text plus its formatted runs (bold, italic, code, link, mention). The readers are
// deliberately strict: an unescaped marker counts as formatting, so text that was not escaped shows.
import type { Entity } from '../fakes/telegram/html.js';

export interface Run {
  kind: 'bold' | 'italic' | 'code' | 'link' | 'mention' | 'other';
  text: string;
  url?: string;
}
export interface Seen {
  text: string;
  runs: Run[];
}

/** Parts of one message (title, body, fields) read one after the other. */
export const joinSeen = (parts: Seen[]): Seen => ({ text: parts.map((p) => p.text).filter(Boolean).join('\n'), runs: parts.flatMap((p) => p.runs) });
export const plain = (text: string): Seen => ({ text, runs: [] });

/** Telegram: the fake already parsed the HTML into text and entities (UTF-16 offsets, as Telegram's). */
export function fromTelegram(text: string, entities: Entity[]): Seen {
  const kinds: Record<string, Run['kind']> = { bold: 'bold', italic: 'italic', code: 'code', pre: 'code', text_link: 'link', text_mention: 'mention', mention: 'mention' };
  return {
    text,
    runs: entities.map((e) => ({ kind: kinds[e.type] ?? 'other', text: text.slice(e.offset, e.offset + e.length), ...(e.url ? { url: e.url } : {}) })),
  };
}

/** Discord markdown (message content, embed title, description, field values). */
export function fromDiscord(md: string): Seen {
  let text = '';
  const runs: Run[] = [];
  const open = new Map<string, number>();
  const toggle = (marker: string, kind: Run['kind']) => {
    const at = open.get(marker);
    if (at === undefined) open.set(marker, text.length);
    else {
      open.delete(marker);
      runs.push({ kind, text: text.slice(at) });
    }
  };
  let i = 0;
  while (i < md.length) {
    const c = md[i]!;
    const rest = md.slice(i);
    if (c === '\\' && i + 1 < md.length && /[^\p{L}\p{N}\s]/u.test(md[i + 1]!)) {
      text += md[i + 1];
      i += 2;
    } else if (rest.startsWith('`` ')) {
      const end = md.indexOf(' ``', i + 3);
      const code = md.slice(i + 3, end < 0 ? md.length : end);
      runs.push({ kind: 'code', text: code });
      text += code;
      i = end < 0 ? md.length : end + 3;
    } else if (c === '`') {
      const end = md.indexOf('`', i + 1);
      const code = md.slice(i + 1, end < 0 ? md.length : end);
      runs.push({ kind: 'code', text: code });
      text += code;
      i = end < 0 ? md.length : end + 1;
    } else if (c === '[') {
      // A masked link [label](url) or [label](<url>); the label is markdown itself.
      const m = /^\[((?:\\.|[^\]\\])*)\]\(<?([^)>\s]+)>?\)/.exec(rest);
      if (m) {
        const label = fromDiscord(m[1]!);
        runs.push({ kind: 'link', text: label.text, url: m[2]! }, ...label.runs);
        text += label.text;
        i += m[0].length;
      } else {
        text += c;
        i++;
      }
    } else if (rest.startsWith('**')) {
      toggle('**', 'bold');
      i += 2;
    } else if (rest.startsWith('__') || rest.startsWith('~~') || rest.startsWith('||')) {
      toggle(rest.slice(0, 2), 'other');
      i += 2;
    } else if (c === '*' || c === '_') {
      toggle(c, 'italic');
      i++;
    } else if (c === '<' && /^<(@[!&]?|#)\d+>/.test(rest)) {
      const m = /^<[^>]+>/.exec(rest)!;
      runs.push({ kind: 'mention', text: m[0] });
      text += m[0];
      i += m[0].length;
    } else {
      text += c;
      i++;
    }
  }
  // An unclosed marker still formats nothing in Discord, but here it means an unescaped one: keep it visible.
  for (const [marker, at] of open) runs.push({ kind: marker === '**' ? 'bold' : 'italic', text: text.slice(at) });
  return { text, runs };
}

const decodeSlack = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
// Slack formats `*x*` only at word edges: the opening marker after a start, space or punctuation and
// before a non-space; the closing one after a non-space and before an end, space or punctuation.
const edgeBefore = (s: string, i: number) => i === 0 || /[\s([{"'.,;:!?-]/.test(s[i - 1]!);
const edgeAfter = (s: string, i: number) => i >= s.length || /[\s)\]}"'.,;:!?-]/.test(s[i]!);

/** Slack mrkdwn (section text, fields, context elements). */
export function fromMrkdwn(s: string): Seen {
  let text = '';
  const runs: Run[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '<') {
      const end = s.indexOf('>', i);
      if (end > i) {
        const inner = s.slice(i + 1, end);
        const bar = inner.indexOf('|');
        const target = bar < 0 ? inner : inner.slice(0, bar);
        const label = decodeSlack(bar < 0 ? inner : inner.slice(bar + 1));
        // A date shows its fallback here; a mention its raw form; a link its label.
        if (target.startsWith('!date^')) text += label;
        else if (/^[@#!]/.test(target)) {
          runs.push({ kind: 'mention', text: inner });
          text += inner;
        } else {
          runs.push({ kind: 'link', text: label, url: decodeSlack(target) });
          text += label;
        }
        i = end + 1;
        continue;
      }
    }
    if (c === '&') {
      const m = /^&(lt|gt|amp);/.exec(s.slice(i));
      if (m) {
        text += decodeSlack(m[0]);
        i += m[0].length;
        continue;
      }
    }
    if ('*_~`'.includes(c) && edgeBefore(s, i) && /\S/.test(s[i + 1] ?? '')) {
      let j = i + 1;
      while (j < s.length && s[j] !== '\n' && !(s[j] === c && /\S/.test(s[j - 1]!) && edgeAfter(s, j + 1))) j++;
      if (j < s.length && s[j] === c) {
        const inner = c === '`' ? plain(decodeSlack(s.slice(i + 1, j))) : fromMrkdwn(s.slice(i + 1, j));
        const kind: Run['kind'] = c === '*' ? 'bold' : c === '_' ? 'italic' : c === '`' ? 'code' : 'other';
        runs.push({ kind, text: inner.text }, ...inner.runs);
        text += inner.text;
        i = j + 1;
        continue;
      }
    }
    text += c;
    i++;
  }
  return { text, runs };
}

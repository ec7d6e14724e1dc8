// The neutral markup: a small Markdown-like syntax that templates are written in.
//   **bold**   _italic_   `code`   [label](https://url)   and '\' escapes any of \ * _ ` [ ] ( )
// Values substituted into templates go through escapeMarkup, so a payload can never inject formatting.
// Adapters turn the parsed tree into Telegram HTML, Discord markdown or Slack mrkdwn.
import type { Span } from '../message.js';

const SPECIAL = /[\\*_`[\]()]/g;

/** Escapes text so that parseMarkup gives it back verbatim. */
export function escapeMarkup(text: string): string {
  return text.replace(SPECIAL, (c) => '\\' + c);
}

/** Parses the markup. Never throws: an unclosed marker is plain text. */
export function parseMarkup(src: string): Span[] {
  return new Parser(src).spans(undefined);
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  spans(until: '**' | '_' | ']' | undefined): Span[] {
    const out: Span[] = [];
    let text = '';
    const flush = () => {
      if (text) out.push({ kind: 'text', text });
      text = '';
    };
    const s = this.s;
    while (this.i < s.length) {
      if (until && s.startsWith(until, this.i)) break;
      const c = s[this.i]!;
      if (c === '\\' && this.i + 1 < s.length) {
        text += s[this.i + 1];
        this.i += 2;
        continue;
      }
      // An empty code span (a template's `{{ value }}` of an empty value) shows nothing, not two
      // backticks; a payload's own backticks are escaped and never get here.
      if (s.startsWith('``', this.i)) {
        this.i += 2;
        continue;
      }
      const start = this.i;
      let node: Span | undefined;
      if (s.startsWith('**', this.i) && until !== '**') node = this.wrapped('**', 'bold');
      else if (c === '_' && until !== '_' && this.isItalicOpen()) node = this.wrapped('_', 'italic');
      else if (c === '`') node = this.code();
      else if (c === '[' && until !== ']') node = this.link();
      if (node) {
        flush();
        out.push(node);
      } else {
        this.i = start + 1;
        text += c;
      }
    }
    flush();
    return out;
  }

  // `_` opens italic only at a word start, so snake_case in template text stays text.
  private isItalicOpen(): boolean {
    const prev = this.s[this.i - 1];
    return prev === undefined || !/[\p{L}\p{N}]/u.test(prev);
  }

  private wrapped(marker: '**' | '_', kind: 'bold' | 'italic'): Span | undefined {
    const save = this.i;
    this.i += marker.length;
    const children = this.spans(marker);
    if (!this.s.startsWith(marker, this.i) || children.length === 0) {
      this.i = save;
      return undefined;
    }
    this.i += marker.length;
    return { kind, children };
  }

  private code(): Span | undefined {
    let j = this.i + 1;
    let text = '';
    while (j < this.s.length && this.s[j] !== '`') {
      if (this.s[j] === '\\' && j + 1 < this.s.length) {
        text += this.s[j + 1];
        j += 2;
      } else text += this.s[j++];
    }
    if (j >= this.s.length || text === '') return undefined;
    this.i = j + 1;
    return { kind: 'code', text };
  }

  private link(): Span | undefined {
    const save = this.i;
    this.i += 1;
    const children = this.spans(']');
    const m = this.s.startsWith('](', this.i) ? /^\]\(([^()\s]+)\)/.exec(this.s.slice(this.i)) : null;
    if (!m || children.length === 0 || !/^(https?|tg|mailto):/i.test(m[1]!)) {
      this.i = save;
      return undefined;
    }
    this.i += m[0].length;
    return { kind: 'link', url: m[1]!, children };
  }
}

/** The text a reader sees, without markup. */
export function plainText(spans: Span[]): string {
  return spans.map((s) => (s.kind === 'text' || s.kind === 'code' ? s.text : plainText(s.children))).join('');
}

/** Spans back to markup source (the inverse of parseMarkup, up to escaping). */
export function toMarkup(spans: Span[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escapeMarkup(s.text);
        case 'code':
          return '`' + s.text.replace(/[\\`]/g, (c) => '\\' + c) + '`';
        case 'bold':
          return '**' + toMarkup(s.children) + '**';
        case 'italic':
          return '_' + toMarkup(s.children) + '_';
        case 'link':
          return '[' + toMarkup(s.children) + '](' + s.url + ')';
      }
    })
    .join('');
}

type Mark = { kind: 'bold' | 'italic' | 'code' } | { kind: 'link'; url: string };
type Segment = { text: string; marks: Mark[] };

function flatten(spans: Span[], marks: Mark[], out: Segment[]): Segment[] {
  for (const s of spans) {
    if (s.kind === 'text') out.push({ text: s.text, marks });
    else if (s.kind === 'code') out.push({ text: s.text, marks: [...marks, { kind: 'code' }] });
    else if (s.kind === 'link') flatten(s.children, [...marks, { kind: 'link', url: s.url }], out);
    else flatten(s.children, [...marks, { kind: s.kind }], out);
  }
  return out;
}

function sameMark(a: Mark, b: Mark): boolean {
  return a.kind === b.kind && (a.kind !== 'link' || a.url === (b as { url: string }).url);
}

function build(segs: Segment[], depth: number): Span[] {
  const out: Span[] = [];
  let i = 0;
  while (i < segs.length) {
    const seg = segs[i]!;
    const mark = seg.marks[depth];
    if (!mark) {
      const last = out[out.length - 1];
      if (last?.kind === 'text') last.text += seg.text;
      else out.push({ kind: 'text', text: seg.text });
      i++;
      continue;
    }
    let j = i + 1;
    while (j < segs.length && segs[j]!.marks[depth] && sameMark(segs[j]!.marks[depth]!, mark)) j++;
    const group = segs.slice(i, j);
    if (mark.kind === 'code') out.push({ kind: 'code', text: group.map((g) => g.text).join('') });
    else if (mark.kind === 'link') out.push({ kind: 'link', url: mark.url, children: build(group, depth + 1) });
    else out.push({ kind: mark.kind, children: build(group, depth + 1) });
    i = j;
  }
  return out;
}

// Where to cut `text` so that at most `room` characters stay: the last line break, else the last
// space, else a hard cut that does not split a surrogate pair.
function cutPoint(text: string, room: number, preferBreak: boolean): number {
  if (preferBreak) {
    const nl = text.lastIndexOf('\n', room - 1);
    if (nl > 0) return nl + 1;
    const sp = text.lastIndexOf(' ', room - 1);
    if (sp > room / 2) return sp + 1;
  }
  let cut = room;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return Math.max(cut, 1);
}

/**
 * Splits into chunks whose plain text is at most `max` characters, cutting at line breaks where it
 * can. Formatting that spans a cut is closed in one chunk and reopened in the next, so each chunk
 * converts to well-formed platform markup on its own.
 */
export function splitSpans(spans: Span[], max: number): Span[][] {
  if (max < 1) throw new Error('splitSpans: max must be at least 1');
  const segs = flatten(spans, [], []);
  const chunks: Segment[][] = [];
  let cur: Segment[] = [];
  let used = 0;
  const queue = [...segs];
  while (queue.length) {
    const seg = queue.shift()!;
    if (used + seg.text.length <= max) {
      cur.push(seg);
      used += seg.text.length;
      continue;
    }
    const room = max - used;
    const lineBreakHere = seg.text.lastIndexOf('\n', room - 1) > 0;
    // No line break in this segment: end the chunk at the last line break already in it, if that
    // keeps at least half the chunk, rather than cutting the line mid-way.
    if (!lineBreakHere && used > 0 && backToLineBreak(cur, queue, seg, max)) {
      chunks.push(cur);
      cur = [];
      used = 0;
      continue;
    }
    if (room > 0 && (lineBreakHere || used === 0 || room > max / 4)) {
      const cut = cutPoint(seg.text, room, true);
      cur.push({ text: seg.text.slice(0, cut), marks: seg.marks });
      queue.unshift({ text: seg.text.slice(cut), marks: seg.marks });
    } else {
      queue.unshift(seg);
    }
    chunks.push(cur);
    cur = [];
    used = 0;
  }
  if (cur.length) chunks.push(cur);
  return chunks
    .map((c) => trimChunk(c))
    .filter((c) => c.some((s) => s.text.trim() !== ''))
    .map((c) => build(c, 0));
}

// Cuts `cur` after its last line break (if past half of `max`), putting the rest and `seg` back
// at the front of the queue. Returns false, changing nothing, when there is no such break.
function backToLineBreak(cur: Segment[], queue: Segment[], seg: Segment, max: number): boolean {
  let before = cur.reduce((n, x) => n + x.text.length, 0);
  for (let k = cur.length - 1; k >= 0; k--) {
    const t = cur[k]!.text;
    before -= t.length;
    const nl = t.lastIndexOf('\n');
    if (nl < 0) continue;
    if (before + nl + 1 < max / 2) return false;
    const rest: Segment[] = [];
    if (nl + 1 < t.length) rest.push({ text: t.slice(nl + 1), marks: cur[k]!.marks });
    rest.push(...cur.slice(k + 1));
    cur.splice(k, cur.length - k, { text: t.slice(0, nl + 1), marks: cur[k]!.marks });
    queue.unshift(...rest, seg);
    return true;
  }
  return false;
}

// A chunk should not begin or end with the line break it was cut at.
function trimChunk(segs: Segment[]): Segment[] {
  const out = segs.map((s) => ({ ...s }));
  if (out[0] && !out[0].marks.some((m) => m.kind === 'code')) out[0].text = out[0].text.replace(/^\n+/, '');
  const last = out[out.length - 1];
  if (last && !last.marks.some((m) => m.kind === 'code')) last.text = last.text.replace(/\n+$/, '');
  return out.filter((s) => s.text !== '');
}

// The neutral markup → the markdown of DingTalk and WeCom robots. Both render a small markdown
// subset through an HTML-capable renderer (WeCom documents `<font color>` and `<@userid>` mentions,
// DingTalk `<font>` too), so payload text is escaped twice over: & < > become entities, which also
// stops `<@all>`-style mentions, and markdown punctuation gets a backslash. Line-start markers
// (# > - + 1.) are escaped only where they would start a heading, quote or list.
import type { Span } from '../../src/message.js';
import { plainText } from '../../src/render/markup.js';

export interface Flavour {
  /** Italic is rendered (DingTalk) or dropped to plain text (WeCom has none). */
  italic: boolean;
  /** What a line break becomes: DingTalk needs a markdown hard break, WeCom takes '\n'. */
  lineBreak: string;
}

export const DINGTALK: Flavour = { italic: true, lineBreak: '  \n' };
export const WECOM: Flavour = { italic: false, lineBreak: '\n' };

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes text so the robot shows it as written, formatting and mentioning nothing. */
export function escapeRobotMarkdown(text: string, f: Flavour): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/[\\`*_[\]~&<>]/g, (c) => ENTITY[c] ?? '\\' + c)
        .replace(/^(\s*)([#+-])/, '$1\\$2')
        .replace(/^(\s*\d+)\./, '$1\\.'),
    )
    .join(f.lineBreak);
}

// A URL inside `(…)` ends at a space or `)`: percent-encode those, and `<>` for the HTML renderer.
function escapeUrl(url: string): string {
  return url.replace(/[ ()<>]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function wrap(inner: string, marker: string, f: Flavour): string {
  // Emphasis does not cross lines in these renderers: wrap each line, whitespace outside.
  return inner
    .split(f.lineBreak)
    .map((line) => {
      const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(line)!;
      return m[2] ? `${m[1]}${marker}${m[2]}${marker}${m[3]}` : line;
    })
    .join(f.lineBreak);
}

export function toRobotMarkdown(spans: Span[], f: Flavour): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escapeRobotMarkdown(s.text, f);
        case 'bold':
          return wrap(toRobotMarkdown(s.children, f), '**', f);
        case 'italic':
          return f.italic ? wrap(toRobotMarkdown(s.children, f), '*', f) : toRobotMarkdown(s.children, f);
        case 'code':
          // A backtick or a line break cannot sit inside inline code, and whether these renderers
          // decode entities there is unknown: with any of ` \n & < >, keep the text, drop the style.
          return /[`\n&<>]/.test(s.text) ? escapeRobotMarkdown(s.text, f) : '`' + s.text + '`';
        case 'link': {
          const label = plainText(s.children).replace(/\s+/g, ' ').trim() || s.url;
          return `[${escapeRobotMarkdown(label, f)}](${escapeUrl(s.url)})`;
        }
      }
    })
    .join('');
}

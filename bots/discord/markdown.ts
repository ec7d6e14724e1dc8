// The neutral markup tree → Discord markdown. Text from payloads is escaped so it can never format,
// link or quote: @discordjs/formatters' escapeMarkdown covers the inline syntax, and we add the
// line-start syntax it leaves alone (block quotes `>`, subtext `-#`).
import { escapeMarkdown } from '@discordjs/formatters';
import type { Span } from '../../src/message.js';

/** Escapes plain text for Discord markdown (content, embed descriptions, field values). */
export function escapeDiscord(text: string): string {
  // `*` and `_` are escaped here rather than by escapeMarkdown, whose italic rule scans back for a URL
  // at every character (quadratic: seconds on a long word). A URL keeps its characters so it still links.
  const starsAndUnderscores = text.replace(/\\/g, '\\\\').replace(/(https?:\/\/[^\s<>]+)|[*_]/g, (m, url) => url ?? '\\' + m);
  const escaped = escapeMarkdown(starsAndUnderscores, { escape: false, italic: false, bold: false, underline: false, heading: true, bulletedList: true, numberedList: true });
  // escapeMarkdown's maskedLink option only escapes a whole `[x](y)`; a lone bracket next to our own
  // link syntax could still close a label, so every bracket is escaped here instead.
  return escaped.replace(/[[\]]/g, '\\$&').replace(/^(\s*)(>|-#)/gm, '$1\\$2');
}

// Discord's inline code has no escape for a backtick inside; doubled fences with padding carry a single
// backtick, and a run of two or more is replaced by a look-alike so the fence cannot be closed early.
function inlineCode(text: string): string {
  if (!text.includes('`')) return '`' + text + '`';
  const safe = text.replace(/`{2,}/g, (run) => 'ˋ'.repeat(run.length));
  return '`` ' + safe + ' ``';
}

/** Renders spans as Discord markdown. */
export function toDiscordMarkdown(spans: Span[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escapeDiscord(s.text);
        case 'code':
          return inlineCode(s.text);
        case 'bold':
          return '**' + toDiscordMarkdown(s.children) + '**';
        case 'italic':
          // `*x*` rather than `_x_`: an underscore italic does not close before a word character.
          return '*' + toDiscordMarkdown(s.children) + '*';
        case 'link': {
          const label = toDiscordMarkdown(s.children) || escapeDiscord(s.url);
          // `<url>` inside the parentheses keeps Discord from also embedding a preview of it.
          return `[${label}](<${s.url}>)`;
        }
      }
    })
    .join('');
}

// The neutral markup → Slack mrkdwn (docs.slack.dev/messaging/formatting-message-text).
// Only `&`, `<` and `>` are control characters and are escaped ("You shouldn't HTML entity-encode
// the entire text"); `&` first. Slack has no escape for `*` `_` `` ` ``.
import type { Span } from '../../src/message.js';
import { plainText } from '../../src/render/markup.js';

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Inside `<url|label>` a `|` or `>` in the URL would end it early: percent-encode those.
function escapeUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/[<>| ]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

// Slack renders `*x*` only when the markers touch the text and stay on one line, so whitespace
// at the edges moves outside and each line is wrapped on its own.
function wrap(inner: string, marker: string): string {
  return inner
    .split('\n')
    .map((line) => {
      const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(line)!;
      return m[2] ? `${m[1]}${marker}${m[2]}${marker}${m[3]}` : line;
    })
    .join('\n');
}

export function toMrkdwn(spans: Span[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escapeMrkdwn(s.text);
        case 'bold':
          return wrap(toMrkdwn(s.children), '*');
        case 'italic':
          return wrap(toMrkdwn(s.children), '_');
        case 'code':
          // A backtick cannot appear inside inline code in mrkdwn: keep the text, drop the style.
          return s.text.includes('`') || s.text.includes('\n') ? escapeMrkdwn(s.text) : '`' + escapeMrkdwn(s.text) + '`';
        case 'link': {
          const label = plainText(s.children).replace(/\s+/g, ' ').trim();
          return label && label !== s.url ? `<${escapeUrl(s.url)}|${escapeMrkdwn(label)}>` : `<${escapeUrl(s.url)}>`;
        }
      }
    })
    .join('');
}

// A Message → WeCom `markdown` contents: the title bold (coloured by level: WeCom's markdown has
// <font color="info|comment|warning">), then body, fields and link, each content at most 4096
// BYTES of UTF-8 (about 1,365 CJK characters; the reference, §4.1), split on line boundaries.
import type { Level } from '../../src/notice.js';
import type { Message } from '../../src/message.js';
import { contentSpans } from '../robot/compose.js';
import { splitToFit, utf8Bytes as byteLength } from '../../src/render/fit.js';
import { escapeRobotMarkdown, toRobotMarkdown, WECOM } from '../robot/markdown.js';

export const MARKDOWN_BYTES = 4096;

const COLOUR: Record<Level, string | undefined> = { info: undefined, success: 'info', warning: 'warning', error: 'warning' };

/** `extra` is a last line (an image link or note) that goes with the last part. */
export function weComContents(msg: Message, extra?: string): string[] {
  let heading = '';
  if (msg.title) {
    const t = `**${escapeRobotMarkdown(msg.title, WECOM)}**`;
    const c = COLOUR[msg.level];
    heading = (c ? `<font color="${c}">${t}</font>` : t) + '\n';
  }
  const tail = extra ? '\n' + extra : '';
  const room = MARKDOWN_BYTES - byteLength(heading) - byteLength(tail);
  const parts = splitToFit(contentSpans(msg), room, (p) => toRobotMarkdown(p, WECOM), byteLength);
  return parts.map((p, i) => (i === 0 ? heading : '') + p + (i === parts.length - 1 ? tail : '')).map((s) => s.replace(/\n$/, '') || ' ');
}

// A Message → DingTalk `markdown` bodies: `title` (what the notification shows) and `text` with the
// title as a heading, the body, fields and link, then the image by URL (DingTalk cannot take bytes),
// split where the JSON body would pass DingTalk's 20,000 bytes (the reference, §2.4).
import type { Message } from '../../src/message.js';
import { plainText } from '../../src/render/markup.js';
import { contentSpans, previewTitle } from '../robot/compose.js';
import { splitToFit, utf8Bytes as byteLength } from '../../src/render/fit.js';
import { IMAGE_NOT_SHOWN, imageUrl } from '../robot/image-note.js';
import { DINGTALK, escapeRobotMarkdown, toRobotMarkdown } from '../robot/markdown.js';

/** Room for the text in one body, under DingTalk's 20,000 bytes with the rest of the JSON around it. */
const TEXT_BYTES = 18_000;

export interface Mentions {
  atMobiles: string[];
  atUserIds: string[];
  isAtAll: boolean;
}

export interface DingTalkBody {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
  at?: Mentions;
}

export function dingTalkBodies(msg: Message, opts: { keyword?: string; mentions?: Mentions }): DingTalkBody[] {
  const content = contentSpans(msg);
  const heading = msg.title ? `#### ${escapeRobotMarkdown(msg.title, DINGTALK)}\n\n` : '';
  const url = imageUrl(msg);
  const tail = url ? `\n\n![screenshot](${url.replace(/[ ()]/g, encodeURIComponent)})` : msg.image ? `\n\n${escapeRobotMarkdown(IMAGE_NOT_SHOWN, DINGTALK)}` : '';
  // A mention is highlighted only when the number also shows in the text (the reference, §2.3).
  const m = opts.mentions;
  const mentionLine = m && (m.atMobiles.length || m.atUserIds.length) ? `\n\n${[...m.atMobiles, ...m.atUserIds].map((x) => '@' + x).join(' ')}` : '';
  const room = TEXT_BYTES - byteLength(JSON.stringify(heading + tail + mentionLine));
  const parts = splitToFit(content, room, (p) => toRobotMarkdown(p, DINGTALK), (s) => byteLength(JSON.stringify(s)));
  const base = previewTitle(msg, plainText(msg.body));
  const prefix = opts.keyword && !base.includes(opts.keyword) ? `[${opts.keyword}] ` : '';
  return parts.map((text, i) => {
    const last = i === parts.length - 1;
    const title = prefix + base + (parts.length > 1 ? ` (${i + 1}/${parts.length})` : '');
    const body: DingTalkBody = { msgtype: 'markdown', markdown: { title, text: (i === 0 ? heading : '') + text + (last ? tail + mentionLine : '') } };
    // Mentions ring once, on the last part.
    if (m && last && (m.atMobiles.length || m.atUserIds.length || m.isAtAll)) body.at = m;
    return body;
  });
}

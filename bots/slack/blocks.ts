// Message → one or more chat.postMessage payloads in Block Kit: header, mrkdwn sections, fields,
// link, image, and a context line with level, time and source; plus the plain-text `text` fallback
// Slack shows in notifications. Slack's limits are met by splitting, never by dropping text.
import type { Span } from '../../src/message.js';
import type { Message } from '../../src/message.js';
import { plainText } from '../../src/render/markup.js';
import { splitSpansToFit } from '../../src/render/fit.js';
import { escapeMrkdwn, toMrkdwn } from './mrkdwn.js';

// Limits from docs.slack.dev/reference/block-kit/blocks (header, section, context, image).
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  altText: 2000,
  imageUrl: 3000,
  /**
   * Our own cap on the text of one message. Slack advises keeping messages under 4,000 characters
   * and answers very long block sets with `msg_blocks_too_long` (bolt-js #2509), so long notices
   * go out as several messages well before 50 full sections.
   */
  messageChars: 12_000,
  /** The notification fallback (`text`): shown in notifications and by clients without blocks. */
  fallbackChars: 3000,
} as const;

export type Block = Record<string, unknown>;
export interface SlackPost {
  text: string;
  blocks: Block[];
}

interface Piece {
  block: Block;
  plain: string;
  chars: number;
}

const LEVEL_EMOJI: Record<Message['level'], string> = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  error: ':rotating_light:',
};

/** mrkdwn sections of at most `limit` characters each, cut at line breaks without breaking formatting. */
export function sections(spans: Span[], limit: number = SLACK_LIMITS.sectionText): Piece[] {
  return splitSpansToFit(spans, limit, toMrkdwn).map(({ spans: chunk, rendered: md }) => ({
    block: { type: 'section', text: { type: 'mrkdwn', text: md } },
    plain: plainText(chunk),
    chars: md.length,
  }));
}

function fieldPieces(fields: Message['fields']): Piece[] {
  const out: Piece[] = [];
  let group: { text: string; plain: string }[] = [];
  const flush = () => {
    if (!group.length) return;
    out.push({
      block: { type: 'section', fields: group.map((g) => ({ type: 'mrkdwn', text: g.text })) },
      plain: group.map((g) => g.plain).join('\n'),
      chars: group.reduce((n, g) => n + g.text.length, 0),
    });
    group = [];
  };
  for (const f of fields) {
    const text = `*${escapeMrkdwn(f.name)}*\n${escapeMrkdwn(f.value)}`;
    if (text.length <= SLACK_LIMITS.fieldText && f.name.trim() && !/\n/.test(f.name)) {
      group.push({ text, plain: `${f.name}: ${f.value}` });
      if (group.length === SLACK_LIMITS.fieldsPerSection) flush();
    } else {
      // A field too long for a field slot becomes its own section(s), so nothing is cut off.
      flush();
      out.push(...sections([{ kind: 'bold', children: [{ kind: 'text', text: f.name }] }, { kind: 'text', text: '\n' + f.value }]));
    }
  }
  flush();
  return out;
}

function contextLine(msg: Message): string {
  const t = Date.parse(msg.time);
  // <!date^unix^format|fallback> shows the time in each reader's own time zone.
  const when = Number.isFinite(t) ? `<!date^${Math.floor(t / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(msg.time)}>` : escapeMrkdwn(msg.time);
  return `${LEVEL_EMOJI[msg.level]} ${when} · ${escapeMrkdwn(msg.source)} · ${escapeMrkdwn(msg.event)}`;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/** The payloads for chat.postMessage, in order. The header goes on the first, the context line on the last. */
export function slackPosts(msg: Message): SlackPost[] {
  const head: Piece[] = [];
  const title = msg.title?.trim();
  if (title && title.length <= SLACK_LIMITS.headerText && !title.includes('\n')) {
    head.push({ block: { type: 'header', text: { type: 'plain_text', text: title, emoji: true } }, plain: title, chars: title.length });
  } else if (title) {
    head.push(...sections([{ kind: 'bold', children: [{ kind: 'text', text: title }] }]));
  }
  const pieces: Piece[] = [...head, ...sections(msg.body), ...fieldPieces(msg.fields)];
  if (msg.link) {
    const text = `:link: ${toMrkdwn([{ kind: 'link', url: msg.link, children: [{ kind: 'text', text: msg.link }] }])}`;
    if (text.length <= SLACK_LIMITS.sectionText) pieces.push({ block: { type: 'section', text: { type: 'mrkdwn', text } }, plain: msg.link, chars: text.length });
  }
  if (msg.image && 'url' in msg.image && msg.image.url.length <= SLACK_LIMITS.imageUrl) {
    const alt = truncate(title || 'image', SLACK_LIMITS.altText);
    pieces.push({ block: { type: 'image', image_url: msg.image.url, alt_text: alt }, plain: '', chars: 0 });
  }
  const context: Piece = { block: { type: 'context', elements: [{ type: 'mrkdwn', text: contextLine(msg) }] }, plain: '', chars: 0 };

  const posts: Piece[][] = [];
  let cur: Piece[] = [];
  let chars = 0;
  for (const p of pieces) {
    if (cur.length && (cur.length + 1 >= SLACK_LIMITS.blocksPerMessage || chars + p.chars > SLACK_LIMITS.messageChars)) {
      posts.push(cur);
      cur = [];
      chars = 0;
    }
    cur.push(p);
    chars += p.chars;
  }
  // The context line always fits: a post is closed one block before the 50-block limit.
  cur.push(context);
  posts.push(cur);

  const fallbackTitle = title || `${msg.source}: ${msg.event}`;
  return posts.map((ps, i) => {
    const body = ps.map((p) => p.plain).filter((s) => s && s !== title).join('\n');
    const label = posts.length > 1 ? `${fallbackTitle} (${i + 1}/${posts.length})` : fallbackTitle;
    const text = truncate(body ? `${label}\n${body}` : label, SLACK_LIMITS.fallbackChars);
    return { text: escapeMrkdwn(text), blocks: ps.map((p) => p.block) };
  });
}

/** An image block turned into a link to the image, for when Slack cannot download the image itself. */
export function imageAsLink(block: Block): Block {
  if (block.type !== 'image') return block;
  const url = String(block.image_url);
  return { type: 'section', text: { type: 'mrkdwn', text: `:frame_with_picture: ${toMrkdwn([{ kind: 'link', url, children: [{ kind: 'text', text: 'image' }] }])}` } };
}

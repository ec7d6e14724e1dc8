// Telegram's HTML parse_mode, parsed the way the Bot API server (tdlib's parse_html) does, so the fake
// rejects what Telegram rejects: unknown tags, unclosed or crossed tags, and (stricter than tdlib,
// as the Bot API docs demand) a bare '&' that is not an entity. A bare '>' is accepted, as by tdlib.
// Offsets and lengths are in UTF-16 code units, like Telegram's MessageEntity.

export interface Entity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export class EntityParseError extends Error {
  constructor(detail: string) {
    super(`Bad Request: can't parse entities: ${detail}`);
  }
}

const TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  tag: string;
  start: number;
  attrs: Record<string, string>;
}

/** Returns the plain text and its entities, or throws EntityParseError with Telegram's wording. */
export function parseTelegramHtml(html: string): { text: string; entities: Entity[] } {
  let text = '';
  const entities: (Entity & { depth: number })[] = [];
  const stack: Open[] = [];
  const byteAt = (i: number) => Buffer.byteLength(html.slice(0, i));
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '&') {
      const m = /^&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));/.exec(html.slice(i, i + 12));
      const named = m?.[3] !== undefined ? NAMED[m[3]] : undefined;
      const code = m?.[1] ? Number(m[1]) : m?.[2] ? parseInt(m[2], 16) : undefined;
      if (!m || (m[3] !== undefined && named === undefined) || (code !== undefined && (code === 0 || code > 0x10ffff))) {
        throw new EntityParseError(`Character '&' is reserved and must be escaped as &amp; at byte offset ${byteAt(i)}`);
      }
      text += named ?? String.fromCodePoint(code!);
      i += m[0].length;
      continue;
    }
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }
    const at = byteAt(i);
    const close = html.indexOf('>', i);
    if (close < 0) throw new EntityParseError(`Unclosed start tag at byte offset ${at}`);
    if (html[i + 1] === '/') {
      const name = html.slice(i + 2, close).trim().toLowerCase();
      const top = stack.pop();
      if (!top) throw new EntityParseError(`Unexpected end tag at byte offset ${at}`);
      if (top.tag !== name) throw new EntityParseError(`Unmatched end tag at byte offset ${at}, expected "</${top.tag}>", found "</${name}>"`);
      const entity = toEntity(top, text.length);
      if (entity) entities.push({ ...entity, depth: stack.length });
      i = close + 1;
      continue;
    }
    const inner = html.slice(i + 1, close);
    const nm = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(inner);
    const tag = nm?.[0].toLowerCase() ?? '';
    if (!tag || !(tag in TAGS)) throw new EntityParseError(`Unsupported start tag "${tag}" at byte offset ${at}`);
    const attrs = parseAttrs(inner.slice(tag.length), at);
    if (tag === 'span' && attrs.class !== 'tg-spoiler') throw new EntityParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
    if (tag === 'tg-emoji' && !attrs['emoji-id']) throw new EntityParseError(`Custom emoji entity must contain a valid custom emoji identifier at byte offset ${at}`);
    stack.push({ tag, start: text.length, attrs });
    i = close + 1;
  }
  const open = stack.pop();
  if (open) throw new EntityParseError(`Can't find end tag corresponding to start tag "${open.tag}"`);
  // Outer entities first, as Telegram lists them.
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length || a.depth - b.depth);
  return { text, entities: entities.map(({ depth: _d, ...e }) => e) };
}

function parseAttrs(src: string, at: number): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /\s*([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))|\s*(\S)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src)) && m[0] !== '') {
    if (m[5] !== undefined) throw new EntityParseError(`Expected equal sign in declaration of an attribute of the tag at byte offset ${at}`);
    attrs[m[1]!.toLowerCase()] = unescapeAttr(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

function unescapeAttr(v: string): string {
  return v.replace(/&(lt|gt|amp|quot);/g, (_m, n: string) => NAMED[n]!);
}

function toEntity(open: Open, end: number): Entity | undefined {
  const length = end - open.start;
  if (length === 0) return undefined;
  const type = TAGS[open.tag]!;
  if (type === 'text_link') {
    // tdlib drops a link whose href is missing or not a URL; the text stays.
    const href = open.attrs.href;
    if (!href || !/^(https?|tg|mailto):/i.test(href)) return undefined;
    return { type, offset: open.start, length, url: href };
  }
  return { type, offset: open.start, length };
}

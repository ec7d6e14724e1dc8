// Block Kit validation as Slack applies it to chat.postMessage: an `invalid_blocks` error naming the
// JSON pointer of the first problem (docs.slack.dev/reference/block-kit/blocks; limits per block type).
export const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  imageUrl: 3000,
  altText: 2000,
  /** Longer `text` is truncated with a `message_truncated` warning (Slack changelog 2018-04). */
  messageText: 40_000,
} as const;

type Obj = Record<string, unknown>;

/** Returns the problems Slack would list in `response_metadata.messages`; empty when the blocks are valid. */
export function validateBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['[ERROR] must be an array [json-pointer:/blocks]'];
  const out: string[] = [];
  if (blocks.length > LIMITS.blocks) out.push(`[ERROR] no more than ${LIMITS.blocks} items allowed [json-pointer:/blocks]`);
  blocks.forEach((b, i) => out.push(...validateBlock(b as Obj, `/blocks/${i}`)));
  return out;
}

function textObj(t: unknown, at: string, max: number, types: string[]): string[] {
  if (!t || typeof t !== 'object') return [`[ERROR] missing required field: text [json-pointer:${at}]`];
  const { type, text } = t as Obj;
  if (!types.includes(String(type))) return [`[ERROR] must be one of ${types.join(', ')} [json-pointer:${at}/type]`];
  if (typeof text !== 'string' || text.length === 0) return [`[ERROR] must be more than 0 characters [json-pointer:${at}/text]`];
  if (text.length > max) return [`[ERROR] must be less than ${max + 1} characters [json-pointer:${at}/text]`];
  return [];
}

function validateBlock(b: Obj, at: string): string[] {
  if (!b || typeof b !== 'object') return [`[ERROR] must be an object [json-pointer:${at}]`];
  switch (b.type) {
    case 'header':
      return textObj(b.text, `${at}/text`, LIMITS.headerText, ['plain_text']);
    case 'section': {
      const out: string[] = [];
      if (b.text === undefined && b.fields === undefined) out.push(`[ERROR] must provide text or fields [json-pointer:${at}]`);
      if (b.text !== undefined) out.push(...textObj(b.text, `${at}/text`, LIMITS.sectionText, ['plain_text', 'mrkdwn']));
      if (b.fields !== undefined) {
        const f = b.fields as unknown[];
        if (!Array.isArray(f) || f.length === 0) out.push(`[ERROR] must be a non-empty array [json-pointer:${at}/fields]`);
        else {
          if (f.length > LIMITS.sectionFields) out.push(`[ERROR] no more than ${LIMITS.sectionFields} items allowed [json-pointer:${at}/fields]`);
          f.forEach((x, j) => out.push(...textObj(x, `${at}/fields/${j}`, LIMITS.fieldText, ['plain_text', 'mrkdwn'])));
        }
      }
      return out;
    }
    case 'context': {
      const el = b.elements as unknown[];
      if (!Array.isArray(el) || el.length === 0) return [`[ERROR] must be a non-empty array [json-pointer:${at}/elements]`];
      if (el.length > LIMITS.contextElements) return [`[ERROR] no more than ${LIMITS.contextElements} items allowed [json-pointer:${at}/elements]`];
      return el.flatMap((x, j) => ((x as Obj).type === 'image' ? [] : textObj(x, `${at}/elements/${j}`, LIMITS.sectionText, ['plain_text', 'mrkdwn'])));
    }
    case 'image': {
      const url = b.image_url;
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return [`[ERROR] must be a valid URL [json-pointer:${at}/image_url]`];
      if (url.length > LIMITS.imageUrl) return [`[ERROR] must be less than ${LIMITS.imageUrl + 1} characters [json-pointer:${at}/image_url]`];
      const alt = b.alt_text;
      if (typeof alt !== 'string' || alt.length === 0 || alt.length > LIMITS.altText) return [`[ERROR] must be 1-${LIMITS.altText} characters [json-pointer:${at}/alt_text]`];
      return [];
    }
    case 'divider':
      return [];
    default:
      return [`[ERROR] unsupported block type: ${String(b.type)} [json-pointer:${at}/type]`];
  }
}

/** The text of every text object in the blocks, for assertions. */
export function blockTexts(blocks: unknown[]): string[] {
  const out: string[] = [];
  for (const b of blocks as Obj[]) {
    if (b.text) out.push(String((b.text as Obj).text));
    for (const f of (b.fields as Obj[] | undefined) ?? []) out.push(String(f.text));
    for (const e of (b.elements as Obj[] | undefined) ?? []) if (e.text) out.push(String(e.text));
  }
  return out;
}

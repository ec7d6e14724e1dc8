// A Message → one or more Discord Create Message bodies, each within Discord's limits
// (developers/resources/message.mdx, "Embed Limits"): a notice too big for one message is split into
// several rather than rejected. Lengths are counted in UTF-16 code units, never less than Discord counts.
import { createHash } from 'node:crypto';
import type { APIEmbed, APIEmbedField, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { Level } from '../../src/notice.js';
import type { Message, Span } from '../../src/message.js';
import { splitToFit } from '../../src/render/fit.js';
import { escapeDiscord, toDiscordMarkdown } from './markdown.js';

export const LIMITS = { content: 2000, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000, embeds: 10, nonce: 25 } as const;

export const LEVEL_COLORS: Record<Level, number> = { info: 0x3498db, success: 0x2ecc71, warning: 0xf1c40f, error: 0xe74c3c };

/** Discord's SUPPRESS_NOTIFICATIONS message flag: delivered without a push or sound. */
export const SILENT_FLAG = 1 << 12;

export interface OutgoingFile {
  name: string;
  data: Buffer;
  contentType: string;
}
export interface OutgoingMessage {
  body: RESTPostAPIChannelMessageJSONBody;
  files?: OutgoingFile[];
}

/** Escaped text cut to `max` characters with an ellipsis when it is longer. */
export function clip(text: string, max: number): string {
  // Escaping never shortens text, so a text longer than `max` cannot fit and is not escaped whole
  // (escapeMarkdown is slow on very long words).
  if (text.length <= max) {
    const full = escapeDiscord(text);
    if (full.length <= max) return full;
  }
  // The longest prefix whose escaped form leaves room for the ellipsis.
  let lo = 0;
  let hi = Math.min(text.length, max);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (escapeDiscord(text.slice(0, mid)).length + 1 <= max) lo = mid;
    else hi = mid - 1;
  }
  // Do not leave half of a surrogate pair at the end.
  if (lo > 0 && /[\uD800-\uDBFF]/.test(text[lo - 1]!)) lo--;
  return escapeDiscord(text.slice(0, lo)) + '…';
}

const chars = (e: APIEmbed) =>
  (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

const isHttp = (u: string) => /^https?:\/\/\S+$/i.test(u);

/** The delivery key as a nonce (≤ 25 characters), distinct per message of one delivery and stable across retries. */
export function nonceFor(key: string, part: number): string {
  const raw = part === 0 ? key : `${key}.${part}`;
  return raw.length <= LIMITS.nonce ? raw : createHash('sha256').update(raw).digest('base64url').slice(0, LIMITS.nonce);
}

/** An attachment name Discord can reference with attachment:// (no spaces or path characters). */
export function attachmentName(filename: string, mime: string): string {
  const clean = filename.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(-64);
  if (clean && /\.[A-Za-z0-9]+$/.test(clean)) return clean;
  const ext = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' }[mime] ?? 'bin';
  return `${clean || 'image'}.${ext}`;
}

function fieldsFor(name: string, value: string): APIEmbedField[] {
  const n = clip(name || '-', LIMITS.fieldName - 10);
  const parts = value.trim() ? splitToFit([{ kind: 'text', text: value }], LIMITS.fieldValue, toDiscordMarkdown) : ['—'];
  // Short fields sit side by side; a long one takes the whole width.
  const inline = parts.length === 1 && parts[0]!.length <= 40 && n.length <= 40;
  return parts.map((v, i) => ({ name: i === 0 ? n : `${n} (${i + 1})`, value: v, inline }));
}

/** The embeds for a message, in reading order, before they are packed into messages. */
export function buildEmbeds(msg: Message): { embeds: APIEmbed[]; file?: OutgoingFile } {
  const color = LEVEL_COLORS[msg.level];
  const body: Span[] = [...msg.body];
  const link = msg.link && isHttp(msg.link) ? msg.link : undefined;
  // Without a title there is nothing to make clickable, so the link goes at the end of the text.
  if (link && !msg.title) body.push({ kind: 'text', text: body.length ? '\n' : '' }, { kind: 'link', url: link, children: [{ kind: 'text', text: link }] });
  const descriptions = splitToFit(body, LIMITS.description, toDiscordMarkdown).filter((d) => d.trim() !== '');
  const first: APIEmbed = { color };
  if (msg.title) first.title = clip(msg.title, LIMITS.title);
  if (msg.title && link) first.url = link;
  if (descriptions[0]) first.description = descriptions[0];
  const embeds: APIEmbed[] = [first, ...descriptions.slice(1).map((description) => ({ color, description }))];

  for (const f of msg.fields.flatMap((f) => fieldsFor(f.name, f.value))) {
    let last = embeds[embeds.length - 1]!;
    const size = f.name.length + f.value.length;
    if ((last.fields?.length ?? 0) >= LIMITS.fields || chars(last) + size > LIMITS.total - LIMITS.footer) embeds.push((last = { color }));
    (last.fields ??= []).push(f);
  }

  let file: OutgoingFile | undefined;
  if (msg.image) {
    if ('url' in msg.image) {
      if (isHttp(msg.image.url)) first.image = { url: msg.image.url };
    } else {
      const name = attachmentName(msg.image.filename, msg.image.mime);
      file = { name, data: msg.image.data, contentType: msg.image.mime };
      first.image = { url: `attachment://${name}` };
    }
  }

  const last = embeds[embeds.length - 1]!;
  last.footer = { text: clip(`${msg.source} · ${msg.event}`, 200) };
  if (!Number.isNaN(Date.parse(msg.time))) last.timestamp = new Date(msg.time).toISOString();
  return { embeds, file };
}

/** Packs the embeds into as few messages as the limits allow (10 embeds and 6000 characters each). */
export function toDiscordMessages(msg: Message, key: string): OutgoingMessage[] {
  const { embeds, file } = buildEmbeds(msg);
  const groups: APIEmbed[][] = [];
  let cur: APIEmbed[] = [];
  let used = 0;
  for (const e of embeds) {
    const size = chars(e);
    if (cur.length && (cur.length >= LIMITS.embeds || used + size > LIMITS.total)) {
      groups.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(e);
    used += size;
  }
  if (cur.length) groups.push(cur);
  return groups.map((group, i) => {
    const body: RESTPostAPIChannelMessageJSONBody = {
      embeds: group,
      // Payload text must never ping anyone: no @everyone, roles or users.
      allowed_mentions: { parse: [] },
      nonce: nonceFor(key, i),
      enforce_nonce: true,
      ...(msg.silent ? { flags: SILENT_FLAG } : {}),
    };
    if (i === 0 && file) return { body: { ...body, attachments: [{ id: 0, filename: file.name }] }, files: [file] };
    return { body };
  });
}

/** A command reply (neutral markup) as message contents of at most 2000 characters each. */
export function replyContents(spans: Span[]): string[] {
  const parts = splitToFit(spans, LIMITS.content, toDiscordMarkdown).filter((p) => p.trim() !== '');
  return parts.length ? parts : ['\u200b'];
}

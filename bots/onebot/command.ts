// OneBot message events (event/message.md) → chat commands. The message arrives as a segment array or
// a CQ-code string, depending on the implementation's post format; both are read here.
import type { ChatCommand } from '../../src/bot.js';

interface InSegment {
  type: string;
  data: Record<string, unknown>;
}

const unescapeCq = (s: string) => s.replace(/&#91;/g, '[').replace(/&#93;/g, ']').replace(/&#44;/g, ',').replace(/&amp;/g, '&');

/** A CQ-code string → segments (message/string.md). */
export function parseCqString(s: string): InSegment[] {
  const out: InSegment[] = [];
  let last = 0;
  for (const m of s.matchAll(/\[CQ:([a-zA-Z_]+)((?:,[^,\]=]+=[^,\]]*)*)\]/g)) {
    if (m.index! > last) out.push({ type: 'text', data: { text: unescapeCq(s.slice(last, m.index)) } });
    const data: Record<string, string> = {};
    for (const kv of m[2]!.split(',').slice(1)) {
      const eq = kv.indexOf('=');
      data[kv.slice(0, eq)] = unescapeCq(kv.slice(eq + 1));
    }
    out.push({ type: m[1]!, data });
    last = m.index! + m[0].length;
  }
  if (last < s.length) out.push({ type: 'text', data: { text: unescapeCq(s.slice(last)) } });
  return out;
}

function segmentsOf(message: unknown): InSegment[] | undefined {
  if (typeof message === 'string') return parseCqString(message);
  if (!Array.isArray(message)) return undefined;
  return message.filter((s): s is InSegment => !!s && typeof s === 'object' && typeof s.type === 'string' && !!s.data && typeof s.data === 'object');
}

const id = (v: unknown): string | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) || (typeof v === 'string' && /^\d+$/.test(v)) ? String(v) : undefined;

/**
 * The command in a message event, or undefined when it is none for this bot: the bot's own messages,
 * anonymous and system messages in groups, and text that is not `/command` (in a group, `@bot
 * command` also counts). The admin ACL matches `user_id`, never the self-reported `sender.role`.
 */
export function commandFromEvent(ev: Record<string, unknown>, botId: string): ChatCommand | undefined {
  if (ev['post_type'] !== 'message') return undefined;
  const type = ev['message_type'];
  if (type !== 'private' && type !== 'group') return undefined;
  if (type === 'group' && (ev['sub_type'] === 'anonymous' || ev['sub_type'] === 'notice')) return undefined;
  const user = id(ev['user_id']);
  const self = id(ev['self_id']);
  const group = id(ev['group_id']);
  if (!user || user === self || (type === 'group' && !group)) return undefined;
  const segments = segmentsOf(ev['message']) ?? (typeof ev['raw_message'] === 'string' ? parseCqString(ev['raw_message']) : undefined);
  if (!segments) return undefined;
  const atSelf = segments.some((s) => s.type === 'at' && self !== undefined && String(s.data['qq']) === self);
  const text = segments
    .filter((s) => s.type === 'text')
    .map((s) => String(s.data['text'] ?? ''))
    .join('')
    .trim();
  const m = /^\/?([A-Za-z][\w-]{0,31})(?:\s+([\s\S]*))?$/.exec(text);
  if (!m || (!text.startsWith('/') && !atSelf)) return undefined;
  const sender = (ev['sender'] ?? {}) as { card?: unknown; nickname?: unknown };
  const name = String(sender.card || sender.nickname || '') || undefined;
  return {
    bot: botId,
    platform: 'onebot',
    name: m[1]!.toLowerCase(),
    args: (m[2] ?? '').trim(),
    user: { id: user, ...(name ? { name } : {}) },
    chat: type === 'group' ? { id: group!, kind: 'group' } : { id: user, kind: 'user' },
    addressed: type === 'private' || atSelf,
  };
}

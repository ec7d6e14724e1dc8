// Event frames as NapCat posts them over the reverse WebSocket (event/meta.md, event/message.md).
import type { Segment } from './message.js';

export interface MessageOptions {
  /** `array` (NapCat's messagePostFormat default) or `string` (CQ codes). */
  format?: 'array' | 'string';
  /** Put an @bot segment before the text. */
  atSelf?: boolean;
  nickname?: string;
  role?: 'owner' | 'admin' | 'member';
  subType?: string;
  /** `message_sent` for the bot's own messages (reportSelfMessage). */
  postType?: 'message' | 'message_sent';
}

let messageId = 5000;
const now = () => Math.floor(Date.now() / 1000);
const escapeCq = (s: string) => s.replace(/&/g, '&amp;').replace(/\[/g, '&#91;').replace(/\]/g, '&#93;');

function toCq(segments: Segment[]): string {
  return segments
    .map((s) => (s.type === 'text' ? escapeCq(s.data['text'] ?? '') : `[CQ:${s.type}${Object.entries(s.data).map(([k, v]) => `,${k}=${escapeCq(v).replace(/,/g, '&#44;')}`).join('')}]`))
    .join('');
}

export const eventFrames = {
  lifecycle: (selfId: number) => ({ time: now(), self_id: selfId, post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' }),
  heartbeat: (selfId: number, interval: number) => ({
    time: now(),
    self_id: selfId,
    post_type: 'meta_event',
    meta_event_type: 'heartbeat',
    status: { online: true, good: true },
    interval,
  }),
  message(selfId: number, m: MessageOptions & { type: 'private' | 'group'; userId: number; groupId?: number; text: string }) {
    const segments: Segment[] = [];
    if (m.atSelf) segments.push({ type: 'at', data: { qq: String(selfId) } }, { type: 'text', data: { text: ' ' } });
    segments.push({ type: 'text', data: { text: m.text } });
    const cq = toCq(segments);
    return {
      time: now(),
      self_id: selfId,
      post_type: m.postType ?? 'message',
      message_type: m.type,
      sub_type: m.subType ?? (m.type === 'group' ? 'normal' : 'friend'),
      message_id: messageId++,
      user_id: m.userId,
      ...(m.type === 'group' ? { group_id: m.groupId, anonymous: null } : {}),
      message: m.format === 'string' ? cq : segments,
      raw_message: cq,
      message_format: m.format ?? 'array',
      font: 14,
      sender: { user_id: m.userId, nickname: m.nickname ?? `user${m.userId}`, card: '', ...(m.type === 'group' ? { role: m.role ?? 'member' } : {}) },
    };
  },
};

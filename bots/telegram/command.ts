// A Telegram message → ChatCommand. grammY's own matcher needs the `bot_command` entity at offset 0
// (context.js); we read the same entity so `/cmd@otherbot` meant for another bot in a group is ignored.
import type { Message } from 'grammy/types';
import type { ChatCommand } from '../../src/bot.js';

export function commandFromMessage(msg: Message, botId: string, botUsername: string | undefined): ChatCommand | undefined {
  const text = msg.text;
  const entity = msg.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!text || !entity || !msg.from) return undefined;
  const [name, mention] = text.slice(1, entity.length).split('@', 2);
  if (!name) return undefined;
  if (mention && botUsername && mention.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  const from = msg.from;
  const userName = from.username ? '@' + from.username : [from.first_name, from.last_name].filter(Boolean).join(' ') || undefined;
  return {
    bot: botId,
    platform: 'telegram',
    name: name.toLowerCase(),
    args: text.slice(entity.length).trim(),
    user: { id: String(from.id), ...(userName ? { name: userName } : {}) },
    chat: {
      id: String(msg.chat.id),
      // Replies in ordinary groups carry a message_thread_id too; only forum topics are threads to us.
      ...(msg.is_topic_message && msg.message_thread_id !== undefined ? { thread: String(msg.message_thread_id) } : {}),
      kind: msg.chat.type === 'private' ? 'user' : 'group',
    },
  };
}

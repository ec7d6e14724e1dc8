// A Telegram message or channel post → ChatCommand. grammY's own matcher needs the `bot_command`
// entity at offset 0 (context.js); we read the same entity so `/cmd@otherbot` meant for another bot
// in a group is ignored.
import type { Message } from 'grammy/types';
import type { ChatCommand } from '../../src/bot.js';

export function commandFromMessage(msg: Message, botId: string, botUsername: string | undefined): ChatCommand | undefined {
  const text = msg.text;
  const entity = msg.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!text || !entity) return undefined;
  const [name, mention] = text.slice(1, entity.length).split('@', 2);
  if (!name) return undefined;
  if (mention && botUsername && mention.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  const user = sender(msg);
  if (!user) return undefined;
  return {
    bot: botId,
    platform: 'telegram',
    name: name.toLowerCase(),
    args: text.slice(entity.length).trim(),
    user,
    chat: {
      id: String(msg.chat.id),
      // Replies in ordinary groups carry a message_thread_id too; only forum topics are threads to us.
      ...(msg.is_topic_message && msg.message_thread_id !== undefined ? { thread: String(msg.message_thread_id) } : {}),
      kind: msg.chat.type === 'private' ? 'user' : 'group',
    },
  };
}

/**
 * Who sent it. A post in a channel has no `from`, only `sender_chat` (the channel): the channel's id
 * stands for the user, so `/whoami` gives the id of a private channel, which the app does not show;
 * being nobody's admin id, it gets only the commands for everyone.
 */
function sender(msg: Message): ChatCommand['user'] | undefined {
  if (msg.chat.type === 'channel') {
    const c = msg.sender_chat ?? msg.chat;
    return { id: String(c.id), ...('title' in c && c.title ? { name: c.title } : {}) };
  }
  const from = msg.from;
  if (!from) return undefined;
  const name = from.username ? '@' + from.username : [from.first_name, from.last_name].filter(Boolean).join(' ') || undefined;
  return { id: String(from.id), ...(name ? { name } : {}) };
}

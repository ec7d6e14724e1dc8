import type { Command } from '../command.js';
import { code, esc, targetOf } from '../format.js';

// Allowed to everyone, even past a `users` allow-list: it is how people find the ids to put in the
// config. Ephemeral where the platform can, since ids are nobody else's business.
export const whoami: Command = {
  name: 'whoami',
  description: 'Your user id, this chat\'s id and the target to put in the config',
  access: 'public',
  async run({ cmd, isAdmin }) {
    const { user, chat, bot } = cmd;
    const lines = [
      `**User:** ${code(user.id)}${user.name ? ' (' + esc(user.name) + ')' : ''}${isAdmin ? ' — admin' : ''}`,
      `**Chat:** ${code(chat.id)} (${chat.kind === 'group' ? 'group' : 'private'})`,
    ];
    if (chat.thread) lines.push(`**Thread:** ${code(chat.thread)}`);
    const here = targetOf(bot, chat.id, chat.thread);
    lines.push(`**Target:** ${code(here)}`);
    lines.push(
      chat.kind === 'group'
        ? `Put ${code(here)} under ${code('to_group')} (or in ${code('groups:')}) to send notices here.`
        : `Put ${code(here)} under ${code('to')} (or in ${code('people:')}) to send notices to you.`,
    );
    // The chat itself as the sender is a channel post: there is no person to make admin.
    if (!(chat.kind === 'group' && user.id === chat.id)) lines.push(`To make yourself an admin: ${code(`bots.${bot}.admins: ["${user.id}"]`)}`);
    return { text: lines.join('\n'), ephemeral: true };
  },
};

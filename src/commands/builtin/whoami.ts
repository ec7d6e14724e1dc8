import type { Command } from '../command.js';
import { t as tr } from '../../i18n/translate.js';
import { code, esc, targetOf } from '../format.js';

// Allowed to everyone, even past a `users` allow-list: it is how people find the ids to put in the
// config. Ephemeral where the platform can, since ids are nobody else's business.
export const whoami: Command = {
  name: 'whoami',
  description: (l) => tr(l, 'whoami.desc'),
  access: 'public',
  async run({ cmd, isAdmin, t }) {
    const { user, chat, bot } = cmd;
    const lines = [
      t('whoami.user', { id: code(user.id), name: user.name ? ' (' + esc(user.name) + ')' : '', admin: isAdmin ? t('whoami.isAdmin') : '' }),
      t('whoami.chat', { id: code(chat.id), kind: chat.kind === 'group' ? t('whoami.group') : t('whoami.private') }),
    ];
    if (chat.thread) lines.push(t('whoami.thread', { id: code(chat.thread) }));
    const here = code(targetOf(bot, chat.id, chat.thread));
    lines.push(t('whoami.target', { target: here }));
    lines.push(
      chat.kind === 'group'
        ? t('whoami.putGroup', { target: here, to_group: code('to_group'), groups: code('groups:') })
        : t('whoami.putUser', { target: here, to: code('to'), people: code('people:') }),
    );
    // The chat itself as the sender is a channel post: there is no person to make admin.
    if (!(chat.kind === 'group' && user.id === chat.id)) lines.push(t('whoami.makeAdmin', { line: code(`bots.${bot}.admins: ["${user.id}"]`) }));
    return { text: lines.join('\n'), ephemeral: true };
  },
};

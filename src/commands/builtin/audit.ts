import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, shorten } from '../format.js';
import { t as tr } from '../../i18n/translate.js';
import { outcomeWord } from './words.js';

// The audit log from chat, so an admin can see who tried what (refusals included) without a shell.
export const audit: Command = {
  name: 'audit',
  description: (l) => tr(l, 'audit.desc'),
  usage: (l) => tr(l, 'usage.n'),
  access: 'admin',
  async run({ argv, deps, t, time }) {
    const word = argv[0];
    if (argv.length > 1 || (word !== undefined && !/^\d+$/.test(word))) throw new UsageError(t('audit.usageLine'));
    const n = Math.min(Math.max(Number(word ?? 10), 1), 50);
    const list = await deps.store.auditLog(n);
    if (!list.length) return { text: t('audit.none') };
    const lines = list.map((e) =>
      t('audit.item', {
        time: time(e.at),
        bot: esc(e.bot),
        user: code(e.user),
        chat: code(e.chat),
        command: esc(e.command),
        args: e.args ? ' ' + esc(shorten(e.args, 60, true)) : '',
        outcome: outcomeWord(t, e.outcome),
        detail: e.detail ? ` (${esc(shorten(e.detail, 80, true))})` : '',
      }),
    );
    return { text: [t('audit.head'), ...lines].join('\n') };
  },
};

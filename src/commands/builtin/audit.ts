import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, formatTime, shorten } from '../format.js';

// The audit log from chat, so an admin can see who tried what (refusals included) without a shell.
export const audit: Command = {
  name: 'audit',
  description: 'The last commands people ran, refusals included',
  usage: '[n]',
  access: 'admin',
  async run({ argv, deps }) {
    const word = argv[0];
    if (argv.length > 1 || (word !== undefined && !/^\d+$/.test(word))) throw new UsageError('Usage: /audit [n]');
    const n = Math.min(Math.max(Number(word ?? 10), 1), 50);
    const list = await deps.store.auditLog(n);
    if (!list.length) return { text: 'The audit log is empty.' };
    const lines = list.map((e) => {
      const args = e.args ? ' ' + esc(shorten(e.args, 60, true)) : '';
      const detail = e.detail ? ` (${esc(shorten(e.detail, 80, true))})` : '';
      return `• ${formatTime(e.at)} ${esc(e.bot)} ${code(e.user)} in ${code(e.chat)}: /${esc(e.command)}${args} — **${esc(e.outcome)}**${detail}`;
    });
    return { text: ['**Audit log**', ...lines].join('\n') };
  },
};

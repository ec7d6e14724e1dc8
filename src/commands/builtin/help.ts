import type { Command } from '../command.js';
import { esc } from '../format.js';

export const help: Command = {
  name: 'help',
  description: 'List the commands you may use',
  access: 'public',
  async run(ctx) {
    const lines = ctx.visible().map((c) => {
      const usage = c.usage ? ' ' + esc(c.usage) : '';
      return `/${esc(c.name)}${usage} — ${esc(c.description)}${c.access === 'admin' ? ' _(admin)_' : ''}`;
    });
    const head = ctx.isAdmin ? '**Commands**' : '**Commands you may use**';
    return { text: [head, ...lines].join('\n') };
  },
};

import type { Command } from '../command.js';
import { t as tr } from '../../i18n/translate.js';
import { esc } from '../format.js';

export const help: Command = {
  name: 'help',
  description: (l) => tr(l, 'help.desc'),
  access: 'public',
  async run(ctx) {
    const { t, locale } = ctx;
    const lines = ctx.visible().map((c) => {
      const usage = c.usage ? ' ' + esc(c.usage(locale)) : '';
      return `/${esc(c.name)}${usage} — ${esc(c.description(locale))}${c.access === 'admin' ? t('help.admin') : ''}`;
    });
    return { text: [ctx.isAdmin ? t('help.head') : t('help.headUser'), ...lines].join('\n') };
  },
};

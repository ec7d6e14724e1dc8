import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, shorten } from '../format.js';
import { t as tr } from '../../i18n/translate.js';
import { stateWord } from './words.js';

export const failed: Command = {
  name: 'failed',
  description: (l) => tr(l, 'failed.desc'),
  usage: (l) => tr(l, 'usage.n'),
  access: 'user',
  async run({ argv, deps, t, time }) {
    const word = argv[0];
    if (argv.length > 1 || (word !== undefined && !/^\d+$/.test(word))) throw new UsageError(t('failed.usageLine'));
    const n = Math.min(Math.max(Number(word ?? 10), 1), 50);
    const list = await deps.store.failed(n);
    if (!list.length) return { text: t('failed.none') };
    const lines = list.map((d) =>
      t('failed.item', { id: d.id, target: code(d.target), reason: d.lastError ? esc(shorten(d.lastError, 200, true)) : t('failed.noReason'), n: d.attempts, time: time(d.updatedAt) }),
    );
    return { text: [t('failed.head'), ...lines, t('failed.footer')].join('\n') };
  },
};

export const retry: Command = {
  name: 'retry',
  description: (l) => tr(l, 'retry.desc'),
  usage: (l) => tr(l, 'usage.retry'),
  access: 'admin',
  async run({ argv, deps, t }) {
    const word = argv[0]?.replace(/^#/, '');
    if (argv.length !== 1 || !word || !(word === 'all' || /^\d+$/.test(word))) throw new UsageError(t('retry.usageLine'));
    const now = deps.clock.now();
    if (word === 'all') {
      const n = await deps.store.retry('all', now);
      return { text: n ? t('retry.all', { n }) : t('retry.noneToRetry') };
    }
    const id = Number(word);
    const n = await deps.store.retry(id, now);
    if (n) return { text: t('retry.one', { id }) };
    // Nothing retried is the caller's mistake: answered like a usage error, and audited as one.
    const d = await deps.store.getDelivery(id);
    throw new UsageError(d ? t('retry.notFailed', { id, state: stateWord(t, d.state) }) : t('retry.noSuch', { id }));
  },
};

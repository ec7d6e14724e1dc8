import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, formatTime, shorten } from '../format.js';

export const failed: Command = {
  name: 'failed',
  description: 'Deliveries that failed for good, with the reason',
  usage: '[n]',
  access: 'user',
  async run({ argv, deps }) {
    const word = argv[0];
    if (argv.length > 1 || (word !== undefined && !/^\d+$/.test(word))) throw new UsageError('Usage: /failed [n]');
    const n = Math.min(Math.max(Number(word ?? 10), 1), 50);
    const list = await deps.store.failed(n);
    if (!list.length) return { text: 'No failed deliveries.' };
    const lines = list.map(
      (d) =>
        `• #${d.id} ${code(d.target)} — ${esc(shorten(d.lastError ?? 'no reason recorded', 200, true))} ` +
        `(${d.attempts} attempt${d.attempts === 1 ? '' : 's'}, ${formatTime(d.updatedAt)})`,
    );
    return { text: [`**Failed deliveries**`, ...lines, 'Retry with /retry <id> or /retry all.'].join('\n') };
  },
};

export const retry: Command = {
  name: 'retry',
  description: 'Send failed deliveries again',
  usage: '<id|all>',
  access: 'admin',
  async run({ argv, deps }) {
    const word = argv[0]?.replace(/^#/, '');
    if (argv.length !== 1 || !word || !(word === 'all' || /^\d+$/.test(word))) throw new UsageError('Usage: /retry <id|all>, e.g. /retry 42 (ids are in /failed)');
    const now = deps.clock.now();
    if (word === 'all') {
      const n = await deps.store.retry('all', now);
      return { text: n ? `Retrying ${n} failed deliver${n === 1 ? 'y' : 'ies'}.` : 'No failed deliveries to retry.' };
    }
    const id = Number(word);
    const n = await deps.store.retry(id, now);
    if (n) return { text: `Retrying delivery #${id}.` };
    // Nothing retried is the caller's mistake: answered like a usage error, and audited as one.
    const d = await deps.store.getDelivery(id);
    throw new UsageError(d ? `Delivery #${id} is ${d.state}, not failed: nothing to retry.` : `No delivery #${id}; see /failed for the ids.`);
  },
};

import { DELIVERY_STATES } from '../../store/store.js';
import type { Command } from '../command.js';
import { t as tr } from '../../i18n/translate.js';
import { code, esc, shorten } from '../format.js';
import { stateWord, healthWord } from './words.js';

export const status: Command = {
  name: 'status',
  description: (l) => tr(l, 'status.desc'),
  access: 'user',
  async run({ deps, t, span }) {
    const now = deps.clock.now();
    const [counts, last] = await Promise.all([deps.store.countByState(), deps.store.lastEventPerSource()]);
    const lines = [t('status.head', { version: esc(deps.version), span: span(now - deps.startedAt) })];
    lines.push(t('status.deliveries', { list: DELIVERY_STATES.map((s) => `${stateWord(t, s)} ${counts[s] ?? 0}`).join(', ') }));
    if (last.length) {
      lines.push(t('status.lastEvents'));
      for (const e of last) {
        const title = e.title ? ' — ' + esc(shorten(e.title, 80, true)) : '';
        lines.push(t('status.lastEvent', { source: esc(e.source), event: code(e.event), title, ago: t('time.ago', { span: span(now - e.createdAt) }) }));
      }
    } else lines.push(t('status.lastEventsNone'));
    lines.push(t('status.bots'));
    for (const [id, bot] of deps.bots) {
      const h = bot.health();
      const since = Date.parse(h.since);
      const age = Number.isFinite(since) ? t('status.for', { span: span(now - since) }) : '';
      lines.push(t('status.bot', { id: esc(id), platform: esc(bot.platform), state: healthWord(t, h.state), since: age, reason: h.reason ? ' — ' + esc(h.reason) : '' }));
    }
    return { text: lines.join('\n') };
  },
};

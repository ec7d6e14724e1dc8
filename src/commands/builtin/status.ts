import { DELIVERY_STATES } from '../../store/store.js';
import type { Command } from '../command.js';
import { code, esc, formatSpan, shorten } from '../format.js';

export const status: Command = {
  name: 'status',
  description: 'Uptime, deliveries by state, last event per source, bot health',
  access: 'user',
  async run({ deps }) {
    const now = deps.clock.now();
    const [counts, last] = await Promise.all([deps.store.countByState(), deps.store.lastEventPerSource()]);
    const lines = [`**hookbot ${esc(deps.version)}** — up ${formatSpan(now - deps.startedAt)}`];
    lines.push('**Deliveries:** ' + DELIVERY_STATES.map((s) => `${s} ${counts[s] ?? 0}`).join(', '));
    if (last.length) {
      lines.push('**Last event per source:**');
      for (const e of last) {
        const title = e.title ? ' — ' + esc(shorten(e.title, 80, true)) : '';
        lines.push(`• ${esc(e.source)}: ${code(e.event)}${title} (${formatSpan(now - e.createdAt)} ago)`);
      }
    } else lines.push('**Last event per source:** none yet');
    lines.push('**Bots:**');
    for (const [id, bot] of deps.bots) {
      const h = bot.health();
      const since = Date.parse(h.since);
      const age = Number.isFinite(since) ? ` for ${formatSpan(now - since)}` : '';
      lines.push(`• ${esc(id)} (${esc(bot.platform)}): ${h.state}${age}${h.reason ? ' — ' + esc(h.reason) : ''}`);
    }
    return { text: lines.join('\n') };
  },
};

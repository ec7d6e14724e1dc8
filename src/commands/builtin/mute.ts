import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, formatSpan, formatTime } from '../format.js';
import { parseDuration } from '../parse.js';

// The router matches a mute's pattern against the source name and the event (globs); muted
// deliveries are recorded as `muted`, so nothing is lost silently. Here we only store the mute.
export const mute: Command = {
  name: 'mute',
  description: 'Mute a source or an event glob for a while',
  usage: '<source|event-glob> <duration>',
  access: 'admin',
  async run({ cmd, argv, deps }) {
    if (argv.length !== 2) throw new UsageError('Usage: /mute <source|event-glob> <duration>, e.g. /mute bgi 2h or /mute "live_*" 30m');
    const [pattern, dur] = argv as [string, string];
    let span: number;
    try {
      span = parseDuration(dur);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const now = deps.clock.now();
    const m = await deps.store.addMute({ pattern, until: now + span, by: `${cmd.bot}:${cmd.user.id}`, createdAt: now });
    return { text: `Muted ${code(m.pattern)} for ${formatSpan(span)}, until ${formatTime(m.until)}. Muted notices are still recorded, just not sent; /unmute to end it early.` };
  },
};

export const unmute: Command = {
  name: 'unmute',
  description: 'Remove a mute (or all of them)',
  usage: '[pattern|all]',
  access: 'admin',
  async run({ argv, deps }) {
    if (argv.length > 1) throw new UsageError('Usage: /unmute [pattern|all]');
    const pattern = argv[0] ?? 'all';
    const n = await deps.store.removeMutes(pattern);
    if (pattern === 'all') return { text: n ? `Removed all ${n} mute${n === 1 ? '' : 's'}.` : 'There were no mutes.' };
    return { text: n ? `Unmuted ${code(pattern)}.` : `No mute on ${code(pattern)}; see /mutes.` };
  },
};

export const mutes: Command = {
  name: 'mutes',
  description: 'List the active mutes',
  access: 'user',
  async run({ deps }) {
    const now = deps.clock.now();
    const list = await deps.store.activeMutes(now);
    if (!list.length) return { text: 'No active mutes.' };
    const lines = list.map((m) => `• ${code(m.pattern)} until ${formatTime(m.until)} (${formatSpan(roundUpToMinute(m.until - now))} left), by ${esc(m.by)}`);
    return { text: ['**Active mutes**', ...lines].join('\n') };
  },
};

// A 30m mute read a second later says `30m left`, not `29m 59s`.
function roundUpToMinute(ms: number): number {
  return ms >= 60_000 ? Math.ceil(ms / 60_000) * 60_000 : ms;
}

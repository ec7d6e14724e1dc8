import type { Command, CommandContext } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc } from '../format.js';
import { DurationError, parseDuration } from '../parse.js';
import { t as tr } from '../../i18n/translate.js';
import { glob } from '../../router.js';
import { listOf } from '../../didyoumean.js';
import { hintFor } from './words.js';
import { knownEvents } from './known-events.js';

// The router matches a mute's pattern against the source name and the event (globs); muted
// deliveries are recorded as `muted`, so nothing is lost silently. Here we only store the mute.
export const mute: Command = {
  name: 'mute',
  description: (l) => tr(l, 'mute.desc'),
  usage: (l) => tr(l, 'mute.usage'),
  access: 'admin',
  async run(ctx) {
    const { cmd, argv, deps, t } = ctx;
    if (argv.length !== 2) throw new UsageError(t('mute.usageLine'));
    const [pattern, dur] = argv as [string, string];
    let span: number;
    try {
      span = parseDuration(dur);
    } catch (e) {
      throw new UsageError(e instanceof DurationError ? t(e.key, { text: e.text }) : (e as Error).message);
    }
    await checkPattern(ctx, pattern);
    const now = deps.clock.now();
    const m = await deps.store.addMute({ pattern, until: now + span, by: `${cmd.bot}:${cmd.user.id}`, createdAt: now });
    return { text: t('mute.done', { pattern: code(m.pattern), span: ctx.span(span), time: ctx.time(m.until) }) };
  },
};

// A typo (`/mute bgj 1h`) would otherwise be accepted and mute nothing, while the noise goes on.
async function checkPattern({ deps, t }: CommandContext, pattern: string) {
  const sources = Object.keys(deps.config.sources);
  if (sources.includes(pattern)) return;
  const events = await knownEvents(deps.config, deps.store);
  const matches = glob(pattern);
  if (events.some((e) => matches(e))) return;
  throw new UsageError(
    t('mute.nothing', { pattern, hint: hintFor(t, pattern, [...sources, ...events]), sources: listOf(sources) || '—', events: listOf(events, 15, (n) => t('list.more', { n })) || '—' }),
  );
}

export const unmute: Command = {
  name: 'unmute',
  description: (l) => tr(l, 'unmute.desc'),
  usage: (l) => tr(l, 'unmute.usage'),
  access: 'admin',
  async run({ argv, deps, t }) {
    if (argv.length > 1) throw new UsageError(t('unmute.usageLine'));
    const pattern = argv[0] ?? 'all';
    const n = await deps.store.removeMutes(pattern);
    if (pattern === 'all') return { text: n ? t('unmute.all', { n }) : t('unmute.none') };
    return { text: n ? t('unmute.one', { pattern: code(pattern) }) : t('unmute.noSuch', { pattern: code(pattern) }) };
  },
};

export const mutes: Command = {
  name: 'mutes',
  description: (l) => tr(l, 'mutes.desc'),
  access: 'user',
  async run({ deps, t, time, span }) {
    const now = deps.clock.now();
    const list = await deps.store.activeMutes(now);
    if (!list.length) return { text: t('mutes.none') };
    const lines = list.map((m) => t('mutes.item', { pattern: code(m.pattern), time: time(m.until), span: span(roundUpToMinute(m.until - now)), by: esc(m.by) }));
    return { text: [t('mutes.head'), ...lines].join('\n') };
  },
};

// A 30m mute read a second later says `30 min left`, not `29 min 59 s`.
function roundUpToMinute(ms: number): number {
  return ms >= 60_000 ? Math.ceil(ms / 60_000) * 60_000 : ms;
}

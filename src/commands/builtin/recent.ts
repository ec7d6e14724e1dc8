import type { Command, CommandContext } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, shorten } from '../format.js';
import { t as tr } from '../../i18n/translate.js';
import { listOf } from '../../didyoumean.js';
import { hintFor } from './words.js';
import { levelWord } from './words.js';

const MAX_EVENTS = 50;
const MAX_CAPTURES = 10;
/** Per captured body: enough to recognise a payload, short enough for a chat message. */
const BODY_CHARS = 300;

// `recent [n]` lists the last events; `recent <source> [n]` shows the raw payloads captured for a
// source (secrets are redacted by the receiver before they are stored).
export const recent: Command = {
  name: 'recent',
  description: (l) => tr(l, 'recent.desc'),
  usage: (l) => tr(l, 'usage.recent'),
  access: 'user',
  async run(ctx) {
    const { argv } = ctx;
    if (argv.length > 2) throw new UsageError(ctx.t('recent.usageLine'));
    if (argv.length === 0 || (argv.length === 1 && /^\d+$/.test(argv[0]!))) return events(ctx, count(ctx, argv[0], 10, MAX_EVENTS));
    return payloads(ctx, argv[0]!, count(ctx, argv[1], 3, MAX_CAPTURES));
  },
};

function count({ t }: CommandContext, word: string | undefined, def: number, max: number): number {
  if (word === undefined) return def;
  if (!/^\d+$/.test(word) || Number(word) < 1) throw new UsageError(t('recent.notCount', { word, max }));
  return Math.min(Number(word), max);
}

async function events({ deps, t, span }: CommandContext, n: number) {
  const now = deps.clock.now();
  const list = await deps.store.recentEvents(n);
  if (!list.length) return { text: t('recent.none') };
  const lines = list.map((e) => {
    const title = e.title ? ' — ' + esc(shorten(e.title, 80, true)) : '';
    return t('recent.event', { source: esc(e.source), event: code(e.event), level: levelWord(t, e.level), title, ago: t('time.ago', { span: span(now - e.createdAt) }), id: code(e.id) });
  });
  return { text: [t('recent.head', { n: list.length }), ...lines].join('\n') };
}

async function payloads({ deps, t, time }: CommandContext, source: string, n: number) {
  if (!Object.hasOwn(deps.config.sources, source)) {
    const names = Object.keys(deps.config.sources);
    throw new UsageError(t('recent.noSource', { source, hint: hintFor(t, source, names), known: listOf(names) || '—' }));
  }
  const list = await deps.store.captures(source, n);
  if (!list.length) return { text: t('recent.noPayloads', { source: esc(source) }) };
  const parts = list.map((c) => t('recent.payload', { time: time(c.at), outcome: esc(shorten(c.outcome, 120, true)), body: code(shorten(c.body, BODY_CHARS, true)) }));
  return { text: [t('recent.payloadsHead', { n: list.length, source: esc(source) }), ...parts].join('\n') };
}

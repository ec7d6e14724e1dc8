import type { Command, CommandContext } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, formatSpan, formatTime, shorten } from '../format.js';

const MAX_EVENTS = 50;
const MAX_CAPTURES = 10;
/** Per captured body: enough to recognise a payload, short enough for a chat message. */
const BODY_CHARS = 300;

// `recent [n]` lists the last events; `recent <source> [n]` shows the raw payloads captured for a
// source (secrets are redacted by the receiver before they are stored).
export const recent: Command = {
  name: 'recent',
  description: 'The last events, or the last raw payloads of a source',
  usage: '[source] [n]',
  access: 'user',
  async run(ctx) {
    const { argv } = ctx;
    if (argv.length > 2) throw new UsageError('Usage: /recent [n] or /recent <source> [n]');
    if (argv.length === 0 || (argv.length === 1 && /^\d+$/.test(argv[0]!))) return events(ctx, count(argv[0], 10, MAX_EVENTS));
    return payloads(ctx, argv[0]!, count(argv[1], 3, MAX_CAPTURES));
  },
};

function count(word: string | undefined, def: number, max: number): number {
  if (word === undefined) return def;
  if (!/^\d+$/.test(word) || Number(word) < 1) throw new UsageError(`'${word}' is not a count: give a number from 1 to ${max}`);
  return Math.min(Number(word), max);
}

async function events({ deps }: CommandContext, n: number) {
  const now = deps.clock.now();
  const list = await deps.store.recentEvents(n);
  if (!list.length) return { text: 'No events yet.' };
  const lines = list.map((e) => {
    const title = e.title ? ' — ' + esc(shorten(e.title, 80, true)) : '';
    return `• ${esc(e.source)} ${code(e.event)} ${esc(e.level)}${title} (${formatSpan(now - e.createdAt)} ago, ${code(e.id)})`;
  });
  return { text: [`**Last ${list.length} event${list.length === 1 ? '' : 's'}**`, ...lines].join('\n') };
}

async function payloads({ deps }: CommandContext, source: string, n: number) {
  if (!Object.hasOwn(deps.config.sources, source)) {
    const known = Object.keys(deps.config.sources);
    throw new UsageError(`No source '${source}'${known.length ? `: known sources are ${known.join(', ')}` : ''}.`);
  }
  const list = await deps.store.captures(source, n);
  if (!list.length) return { text: `No payloads captured for ${esc(source)} yet.` };
  const parts = list.map((c) => `• ${formatTime(c.at)} — ${esc(shorten(c.outcome, 120, true))}\n${code(shorten(c.body, BODY_CHARS, true))}`);
  return { text: [`**Last ${list.length} payload${list.length === 1 ? '' : 's'} of ${esc(source)}**`, ...parts].join('\n') };
}

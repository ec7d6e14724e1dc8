import type { Notice } from '../../notice.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, targetOf } from '../format.js';
import { t as tr } from '../../i18n/translate.js';
import { stateWord } from './words.js';

// `test` sends to this chat; `test <target>` to a group/channel target or a name from `groups:`/
// `people:`; `test user <target>` to a person (Discord and Slack open a DM for those).
export const test: Command = {
  name: 'test',
  description: (l) => tr(l, 'test.desc'),
  usage: (l) => tr(l, 'test.usage'),
  access: 'admin',
  async run({ cmd, argv, deps, t }) {
    let to: string[] | undefined;
    let toGroup: string[] | undefined;
    let words = argv;
    const asUser = words[0]?.toLowerCase() === 'user';
    if (asUser) words = words.slice(1);
    if (words.length > 1) throw new UsageError(t('test.tooMany', { example: `${cmd.bot}:-1001234567890` }));
    const named = words[0];
    if (!named) {
      const here = targetOf(cmd.bot, cmd.chat.id, cmd.chat.thread);
      if (cmd.chat.kind === 'user' || asUser) to = [here];
      else toGroup = [here];
    } else if (asUser || (deps.config.people[named] && !deps.config.groups[named])) to = [named];
    else toGroup = [named];

    const who = cmd.user.name ? `${cmd.user.name} (${cmd.user.id})` : cmd.user.id;
    const notice: Omit<Notice, 'id'> = {
      source: 'hookbot',
      format: 'command',
      event: 'notify.test',
      level: 'info',
      title: t('test.title'),
      text: t('test.text', { who, from: targetOf(cmd.bot, cmd.chat.id, cmd.chat.thread) }),
      time: new Date(deps.clock.now()).toISOString(),
      // A bare chat id in the argument means this bot.
      from: cmd.bot,
      vars: { requestedBy: cmd.user.id },
    };
    let answer;
    try {
      answer = await deps.submit(notice, { ...(to ? { to } : {}), ...(toGroup ? { toGroup } : {}) });
    } catch (e) {
      throw new UsageError(t('test.failed', { why: (e as Error).message }));
    }
    if (answer.deliveries.length === 0) return { text: t('test.noTarget', { id: code(answer.id) }) };
    const list = answer.deliveries.map((d) => t('test.item', { target: code(d.target), state: d.state === 'muted' ? `**${stateWord(t, d.state)}**` : stateWord(t, d.state), id: d.id }));
    return { text: [t('test.queued', { id: code(answer.id) }), ...list].join('\n') };
  },
};

import type { Notice } from '../../notice.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { code, esc, targetOf } from '../format.js';

// `test` sends to this chat; `test <target>` to a group/channel target or a name from `groups:`/
// `people:`; `test user <target>` to a person (Discord and Slack open a DM for those).
export const test: Command = {
  name: 'test',
  description: 'Send a test notification through the whole pipeline',
  usage: '[user] [target]',
  access: 'admin',
  async run({ cmd, argv, deps }) {
    let to: string[] | undefined;
    let toGroup: string[] | undefined;
    let words = argv;
    const asUser = words[0]?.toLowerCase() === 'user';
    if (asUser) words = words.slice(1);
    if (words.length > 1) throw new UsageError(`Too many arguments: /test [user] [target], e.g. /test ${cmd.bot}:-1001234567890`);
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
      title: 'hookbot test',
      text: `This is a test notification, sent with /test by ${who} from ${targetOf(cmd.bot, cmd.chat.id, cmd.chat.thread)}.`,
      time: new Date(deps.clock.now()).toISOString(),
      // A bare chat id in the argument means this bot.
      from: cmd.bot,
      vars: { requestedBy: cmd.user.id },
    };
    let answer;
    try {
      answer = await deps.submit(notice, { ...(to ? { to } : {}), ...(toGroup ? { toGroup } : {}) });
    } catch (e) {
      throw new UsageError(`Could not send the test notification: ${(e as Error).message}`);
    }
    if (answer.deliveries.length === 0) return { text: `Test event ${code(answer.id)} was stored but matched no target.` };
    const list = answer.deliveries.map((d) => `• ${code(d.target)} — ${d.state === 'muted' ? '**muted**' : esc(d.state)} (#${d.id})`);
    return { text: [`Test notification ${code(answer.id)} queued:`, ...list].join('\n') };
  },
};

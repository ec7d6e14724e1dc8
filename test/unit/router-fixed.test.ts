// A platform whose bot is one chat (a robot webhook, `chats: fixed`): its bare id is the target.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { botModules } from '../../bots/index.js';
import { consoleBot } from '../../bots/console/console.js';
import { formats } from '../../src/inbound/index.js';
import { Router, TargetError, formatTarget } from '../../src/router.js';
import { ManualClock } from '../../src/clock.js';
import type { BotAdapter, Capabilities } from '../../src/bot.js';
import { createLogger } from '../../src/log.js';
import type { Notice } from '../../src/notice.js';

const ROBOT: Capabilities = { chats: 'fixed', dms: false, threads: false, markup: 'markdown', text: { max: 4096, unit: 'bytes' }, images: 'url', commands: false, secrets: [] };

const config = parseConfig(
  `
bots:
  main: { platform: console }
  ops-ding: { platform: console }
groups: { ops: [ops-ding, main:room] }
sources:
  src: { format: report, token: a-long-enough-token-123 }
`,
  { env: {}, bots: botModules, formats },
);
const deps = { logger: createLogger('silent'), clock: new ManualClock() };
const bots = new Map<string, BotAdapter>(Object.entries(config.bots).map(([id, b]) => [id, consoleBot.create(id, b as never, deps)]));
// `ops-ding` stands for a robot: the router learns that only from its capabilities.
const router = new Router(config, bots, (id) => (id === 'ops-ding' ? ROBOT : botModules['console']!.capabilities));
const notice = (over: Partial<Notice>): Omit<Notice, 'id'> => ({ source: 'src', format: 'report', event: 'report', level: 'info', time: '', vars: {}, ...over });
const route = (over: Partial<Notice>) => router.route(notice(over), config.sources['src'] as never, []).map((d) => `${d.target}|${d.chat}|${d.kind}`);

describe('targets on a fixed-chat platform', () => {
  it.each([
    ['the bare bot id', { toGroup: ['ops-ding'] }, ['ops-ding||group']],
    ['the bot id with an empty chat part', { toGroup: ['ops-ding:'] }, ['ops-ding||group']],
    ['in a groups list, beside a many-chat target', { toGroup: ['ops'] }, ['ops-ding||group', 'main:room|room|group']],
    ['a bare id on a many-chat bot is still a chat of the default bot', { toGroup: ['room'] }, ['main:room|room|group']],
  ])('%s', (_n, over, want) => {
    expect(route(over)).toEqual(want);
  });

  it('refuses a chat part on a fixed bot, naming the bot and the fix', () => {
    let err: unknown;
    try {
      route({ toGroup: ['ops-ding:12345'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TargetError);
    expect((err as Error).message).toContain(`bot 'ops-ding' is a single chat`);
    expect((err as Error).message).toContain(`write just 'ops-ding'`);
  });

  it('writes a fixed bot’s target as its id alone', () => {
    expect(formatTarget({ bot: 'ops-ding', chat: '' })).toBe('ops-ding');
    expect(formatTarget({ bot: 'tg', chat: '-100', thread: '4' })).toBe('tg:-100/4');
  });
});

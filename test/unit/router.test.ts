import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { botModules } from '../../bots/index.js';
import { consoleBot } from '../../bots/console/console.js';
import { telegramBot } from '../../bots/telegram/telegram.js';
import { slackBot } from '../../bots/slack/slack.js';
import { formats } from '../../src/inbound/index.js';
import { Router, TargetError } from '../../src/router.js';
import { ManualClock } from '../../src/clock.js';
import type { BotAdapter } from '../../src/bot.js';
import { createLogger } from '../../src/log.js';
import type { Notice } from '../../src/notice.js';

const YAML = `
bots:
  main: { platform: console, aliases: ["3889000001"] }
  other: { platform: console }
superusers: [main:boss]
people: { alice: [main:a1, other:a2] }
groups: { ops: [main:ops/7] }
sources:
  src: { format: report, token: a-long-enough-token-123 }
  loud: { format: report, token: a-long-enough-token-123, to_group: [ops] }
routes:
  - { match: { source: src, event: "live_*" }, to_group: [other:live] }
  - { match: { level: error }, to: [alice], stop: true }
  - { match: { level: error }, to: [main:never] }
`;
const config = parseConfig(YAML, { env: {}, bots: botModules, formats });
const deps = { logger: createLogger('silent'), clock: new ManualClock() };
const bots = new Map<string, BotAdapter>(Object.entries(config.bots).map(([id, b]) => [id, consoleBot.create(id, b as never, deps)]));
const router = new Router(config, bots);

const notice = (over: Partial<Notice>): Omit<Notice, 'id'> => ({ source: 'src', format: 'report', event: 'report', level: 'info', time: '', vars: {}, ...over });
const targets = (over: Partial<Notice>, source = 'src') => router.route(notice({ source, ...over }), config.sources[source] as any, []).map((d) => `${d.target}|${d.kind}`);

describe('router', () => {
  it.each([
    ['no targets anywhere → superusers', {}, ['main:boss|user']],
    ['bare ids use the default bot', { to: ['1'], toGroup: ['2'] }, ['main:1|user', 'main:2|group']],
    ['bare ids use send_from (a bot alias)', { to: ['1'], from: '3889000001' }, ['main:1|user']],
    ['bare ids use send_from (a bot id)', { to: ['1'], from: 'other' }, ['other:1|user']],
    ['<bot>:<chat>/<thread>', { toGroup: ['other:g/42'] }, ['other:g/42|group']],
    ['people expand to users on every bot', { to: ['alice'] }, ['main:a1|user', 'other:a2|user']],
    ['groups: prefix expands', { toGroup: ['groups:ops'] }, ['main:ops/7|group']],
    ['routes match event globs', { event: 'live_start', to: ['x'] }, ['main:x|user', 'other:live|group']],
    ['stop ends the route search', { level: 'error', to: ['x'] }, ['main:x|user', 'main:a1|user', 'other:a2|user']],
    ['duplicates collapse', { to: ['1', 'main:1'] }, ['main:1|user']],
  ])('%s', (_name, over, want) => {
    expect(targets(over as Partial<Notice>)).toEqual(want);
  });

  it('adds a source’s own targets', () => {
    expect(targets({ to: ['1'] }, 'loud')).toEqual(['main:1|user', 'main:ops/7|group']);
  });

  it('lists every bad entry and routes nothing', () => {
    try {
      targets({ to: ['nobot:1', 'people:ghost', 'ok'], from: 'ghost-bot' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TargetError);
      const p = (e as TargetError).problems.join('\n');
      expect(p).toMatch(/send_from: 'ghost-bot' is not a bot/);
      expect(p).toMatch(/no bot 'nobot'/);
      expect(p).toMatch(/no 'ghost' in people/);
    }
  });

  it('names a bad send_from once, however many bare ids it leaves without a bot', () => {
    try {
      targets({ to: ['1', '2'], toGroup: ['3'], from: 'ghost-bot' });
      expect.unreachable();
    } catch (e) {
      expect((e as TargetError).problems).toEqual([expect.stringMatching(/^send_from: 'ghost-bot' is not a bot/)]);
    }
  });

  it('names a source whose from is no bot once when checking the config, not again per bare id', () => {
    const yaml = YAML.replace('sources:\n', 'sources:\n  odd: { format: report, token: a-long-enough-token-123, from: ghost, to: ["1", "2"] }\n');
    const c = parseConfig(yaml, { env: {}, bots: botModules, formats });
    expect(new Router(c, bots).checkConfig()).toEqual([`sources.odd.from: no bot or bot alias 'ghost'`]);
  });

  it('marks deliveries muted by source or event glob', () => {
    const mute = { id: 1, pattern: 'live_*', until: 10, by: 'x', createdAt: 0 };
    const d = router.route(notice({ event: 'live_end', to: ['1'] }), config.sources['src'] as any, [mute]);
    expect(d.every((x) => x.muted === 'live_*')).toBe(true);
    const e = router.route(notice({ event: 'other', to: ['1'] }), config.sources['src'] as any, [mute]);
    expect(e.every((x) => x.muted === undefined)).toBe(true);
  });
});

describe('router lookups', () => {
  it.each(['constructor', '__proto__', 'people:toString'])('treats %s as a bare id or an unknown name, never as an alias', (entry) => {
    const n = notice({ to: [entry] });
    if (entry.startsWith('people:')) expect(() => router.route(n, config.sources['src'] as any, [])).toThrow(/no 'toString' in people/);
    else expect(router.route(n, config.sources['src'] as any, []).map((d) => d.target)).toEqual([`main:${entry}`]);
  });
});

describe('router: mistyped names', () => {
  // Real platforms, so a bare word is not a plausible chat id there (console takes any word).
  const yaml = `
bots:
  telegram: { platform: telegram, token: "123456789:AAEabcdefghijklmnopqrstuvwxyz012345" }
  slack: { platform: slack, token: "xoxb-0123456789-abcdefghij" }
people: { alice: [telegram:123456789] }
groups: { ops: [telegram:-1001234567890], alerts: [slack:C0123ABCD] }
`;
  const c = parseConfig(yaml, { env: {}, bots: botModules, formats });
  const modules = { telegram: telegramBot, slack: slackBot } as const;
  const b = new Map<string, BotAdapter>(Object.entries(c.bots).map(([id, x]) => [id, modules[id as keyof typeof modules].create(id, x as never, deps)]));
  const r = new Router(c, b);
  const problems = (over: Partial<Notice>) => {
    try {
      r.route(notice(over), undefined, []);
    } catch (e) {
      if (e instanceof TargetError) return e.problems;
      throw e;
    }
    return [];
  };

  it.each([
    ['a group name one letter off', { toGroup: ['opps'] }, "send_to_group[0]: no group named 'opps': did you mean 'ops'? (have: ops, alerts)"],
    ['a person name one letter off', { to: ['alcie'] }, "send_to[0]: no person named 'alcie': did you mean 'alice'? (have: alice)"],
    ['a word near no name', { toGroup: ['frontdesk'] }, "send_to_group[0]: no group named 'frontdesk' (have: ops, alerts)"],
    ['a misspelt bot', { toGroup: ['telegarm:-100123'] }, "send_to_group[0]: 'telegarm:-100123': no bot 'telegarm': did you mean 'telegram'? (have: telegram, slack)"],
    ['a misspelt groups: name', { toGroup: ['groups:alert'] }, "send_to_group[0]: 'groups:alert': no 'alert' in groups: did you mean 'alerts'? (have: ops, alerts)"],
  ])('%s', (_what, over, want) => {
    expect(problems(over)).toEqual([want]);
  });

  it("keeps ids of the platform's shape as targets", () => {
    expect(problems({ toGroup: ['-1001234567890', '@mychannel'] })).toEqual([]);
    expect(problems({ toGroup: ['C0123ABCD'], from: 'slack' })).toEqual([]);
  });

  it("keeps the platform's own error for a bad id when the config has no names to mistype", () => {
    const bare = parseConfig(`bots:\n  telegram: { platform: telegram, token: "123456789:AAEabcdefghijklmnopqrstuvwxyz012345" }\n`, { env: {}, bots: botModules, formats });
    const rb = new Router(bare, new Map([['telegram', telegramBot.create('telegram', bare.bots['telegram'] as never, deps)]]));
    expect(() => rb.route(notice({ toGroup: ['opps'] }), undefined, [])).toThrow(/not a Telegram chat/);
  });
});

describe('router plans that keep the notice', () => {
  const plan = (over: Partial<Notice>, source = 'src') => router.plan(notice({ source, ...over }), config.sources[source] as any, []);

  it('routes the valid entries and names each bad one', () => {
    const p = plan({ to: ['nobot:1', 'ok'], toGroup: ['people:ghost'] });
    expect(p.deliveries.map((d) => d.target)).toEqual(['main:ok']);
    expect(p.warnings).toEqual([expect.stringMatching(/^send_to\[0\]: 'nobot:1': no bot 'nobot'/), expect.stringMatching(/^send_to_group\[0\]: .*no 'ghost' in people/)]);
  });

  it("goes to the source's own targets when every payload entry is bad", () => {
    const p = plan({ to: ['nobot:1'] }, 'loud');
    expect(p.deliveries.map((d) => d.target)).toEqual(['main:ops/7']);
    expect(p.warnings).toHaveLength(1);
  });

  it('goes to the superusers when nothing else is left, including for a bad send_from', () => {
    const p = plan({ to: ['1'], from: 'ghost-bot' });
    expect(p.deliveries.map((d) => d.target)).toEqual(['main:boss']);
    expect(p.warnings).toEqual([expect.stringMatching(/^send_from: 'ghost-bot' is not a bot/)]);
  });

  it('throws when even the superusers are missing, listing the bad entries', () => {
    const c = parseConfig(YAML.replace('superusers: [main:boss]\n', ''), { env: {}, bots: botModules, formats });
    const r = new Router(c, bots);
    expect(() => r.plan(notice({ to: ['nobot:1'] }), c.sources['src'] as any, [])).toThrow(/no bot 'nobot'.*superusers is empty/);
  });

  it('is strict on request, as route() is', () => {
    expect(() => router.plan(notice({ to: ['nobot:1', 'ok'] }), config.sources['src'] as any, [], { strict: true })).toThrow(TargetError);
  });
});


describe('router, the same entries again', () => {
  it('expands a bare id by the send_from of each notice, and refuses a bad entry each time', () => {
    for (let i = 0; i < 2; i++) {
      expect(targets({ to: ['1'], from: 'other' })).toEqual(['other:1|user']);
      expect(targets({ to: ['1'] })).toEqual(['main:1|user']);
      expect(targets({ toGroup: ['1'] })).toEqual(['main:1|group']);
      expect(() => targets({ to: ['nobot:1'] })).toThrow(TargetError);
    }
  });
});

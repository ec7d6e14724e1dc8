// Every built-in command against every kind of caller: what a stranger, a listed user and an admin
// may run, with and without `users`.
import { newEventId } from '../../src/event-id.js';
import { describe, expect, it } from 'vitest';
import { builtinCommands } from '../../src/commands/builtin/index.js';
import { cmd, makePlane } from './harness.js';

const YAML = `
bots:
  tg: { platform: console, admins: ["42"], users: ["7"] }
  closed: { platform: console, admins: ["42"] }
  open: { platform: console, admins: ["42"], users: ["*"] }
sources:
  bgi: { format: report, token: "0123456789abcdef0123" }
`;

type Who = 'stranger' | 'user' | 'admin';
const ID: Record<Who, string> = { stranger: '99', user: '7', admin: '42' };

// Arguments that make each command succeed for someone allowed to run it.
const ARGS: Record<string, string> = { mute: 'bgi 1h', retry: 'all', unmute: '', recent: '', failed: '' };

// Who may run each built-in on `tg` (users: ["7"]), on `closed` (no users) and on `open` (users: ["*"]).
const TABLE: Record<string, { tg: Who[]; closed: Who[]; open: Who[] }> = {
  help: { tg: ['stranger', 'user', 'admin'], closed: ['stranger', 'user', 'admin'], open: ['stranger', 'user', 'admin'] },
  whoami: { tg: ['stranger', 'user', 'admin'], closed: ['stranger', 'user', 'admin'], open: ['stranger', 'user', 'admin'] },
  status: { tg: ['user', 'admin'], closed: ['admin'], open: ['stranger', 'user', 'admin'] },
  recent: { tg: ['user', 'admin'], closed: ['admin'], open: ['stranger', 'user', 'admin'] },
  failed: { tg: ['user', 'admin'], closed: ['admin'], open: ['stranger', 'user', 'admin'] },
  mutes: { tg: ['user', 'admin'], closed: ['admin'], open: ['stranger', 'user', 'admin'] },
  test: { tg: ['admin'], closed: ['admin'], open: ['admin'] },
  mute: { tg: ['admin'], closed: ['admin'], open: ['admin'] },
  unmute: { tg: ['admin'], closed: ['admin'], open: ['admin'] },
  retry: { tg: ['admin'], closed: ['admin'], open: ['admin'] },
  audit: { tg: ['admin'], closed: ['admin'], open: ['admin'] },
};

const rows = Object.entries(TABLE).flatMap(([name, bots]) =>
  (['tg', 'closed', 'open'] as const).flatMap((bot) => (['stranger', 'user', 'admin'] as Who[]).map((who) => ({ name, bot, who, allowed: bots[bot].includes(who) }))),
);

describe('who may run each built-in command', () => {
  it('covers every built-in command', () => {
    expect(Object.keys(TABLE).sort()).toEqual(builtinCommands.map((c) => c.name).sort());
  });

  it.each(rows)('/$name on $bot by a $who: allowed=$allowed', async ({ name, bot, who, allowed }) => {
    const { plane, store } = makePlane(YAML);
    const r = await plane.handle(cmd(name, ARGS[name] ?? '', { bot, userId: ID[who] }));
    const [entry] = await store.auditLog(1);
    if (allowed) {
      expect(entry).toMatchObject({ command: name, user: ID[who], outcome: 'ok' });
      expect(r?.text).not.toMatch(/^Sorry/);
    } else {
      expect(entry).toMatchObject({ command: name, user: ID[who], outcome: 'refused' });
      expect(r).toMatchObject({ ephemeral: true });
      // The refusal names the key that would let this person in.
      expect(r?.text).toContain(TABLE[name]!.tg.includes('user') ? `bots.${bot}.users` : `bots.${bot}.admins`);
    }
  });

  it('keeps what a stranger may not read out of the reply: no payload, chat id or event', async () => {
    const { plane, store } = makePlane(YAML);
    await store.ingest({
      id: newEventId(Date.now()),
      source: 'bgi',
      notice: { source: 'bgi', format: 'report', event: 'secret.event', level: 'info', title: 'private title', time: new Date(0).toISOString(), vars: {} },
      deliveries: [{ bot: 'closed', chat: '-100555', kind: 'group', target: 'closed:-100555', silent: false }],
    });
    for (const [name, args] of [['status', ''], ['recent', ''], ['recent', 'bgi 1'], ['failed', '']]) {
      const r = await plane.handle(cmd(name!, args!, { bot: 'closed', userId: '99' }));
      expect(r?.text).not.toMatch(/private title|secret\.event|-100555/);
    }
  });

  it('offers in a menu what each bot lets people run, the state-reading commands as admin-only without users', () => {
    const { plane } = makePlane(YAML);
    const flags = (bot: string) => Object.fromEntries(plane.commandsFor(bot).map((c) => [c.name, c.admin]));
    expect(flags('tg')).toMatchObject({ help: false, whoami: false, status: false, mute: true });
    expect(flags('closed')).toMatchObject({ help: false, whoami: false, status: true, recent: true, mute: true });
    expect(flags('open')).toMatchObject({ status: false, failed: false, retry: true });
  });
});

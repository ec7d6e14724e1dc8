import { describe, expect, it } from 'vitest';
import { BASE_YAML, cmd, makePlane } from './harness.js';

const ALLOW_YAML = `
bots:
  tg: { platform: console, admins: ["42"], users: ["7"] }
`;

describe('command ACL', () => {
  it('refuses an admin command to a non-admin, politely and ephemerally, and audits it', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('mute', 'bgi 2h', { userId: '99' }));
    expect(r?.ephemeral).toBe(true);
    expect(r?.text).toMatch(/^Sorry, \/mute is for admins/);
    expect(r?.text).toContain('bots.tg.admins');
    expect(await store.activeMutes(0)).toEqual([]);
    const [entry] = await store.auditLog(5);
    expect(entry).toMatchObject({ bot: 'tg', user: '99', chat: '-1001234', command: 'mute', args: 'bgi 2h', outcome: 'refused' });
  });

  it('denies by default: a bot with no admins has nobody who may run admin commands', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('retry', 'all', { bot: 'open', userId: '42' }));
    expect(r?.text).toMatch(/is for admins/);
    expect((await store.auditLog(1))[0]?.outcome).toBe('refused');
  });

  it('lets an admin run an admin command and audits it as ok', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('unmute', 'all'));
    expect(r?.text).toBe('There were no mutes.');
    expect((await store.auditLog(1))[0]).toMatchObject({ user: '42', command: 'unmute', outcome: 'ok' });
  });

  it('keeps a users allow-list: strangers are refused the user commands, listed users and admins are not', async () => {
    const { plane, store } = makePlane(ALLOW_YAML);
    const stranger = await plane.handle(cmd('status', '', { userId: '99' }));
    expect(stranger?.text).toMatch(/^Sorry, you may not use \/status/);
    expect(stranger?.text).toContain('bots.tg.users');
    expect((await store.auditLog(1))[0]).toMatchObject({ user: '99', command: 'status', outcome: 'refused' });
    expect((await plane.handle(cmd('status', '', { userId: '7' })))?.text).toMatch(/^\*\*hookbot/);
    expect((await plane.handle(cmd('status', '', { userId: '42' })))?.text).toMatch(/^\*\*hookbot/);
    // A listed user is still not an admin.
    expect((await plane.handle(cmd('mute', 'x 1h', { userId: '7' })))?.text).toMatch(/is for admins/);
  });

  it('answers whoami and help to everyone, even past a users allow-list', async () => {
    const { plane } = makePlane(ALLOW_YAML);
    const who = await plane.handle(cmd('whoami', '', { userId: '99' }));
    expect(who?.text).toContain('`99`');
    const help = await plane.handle(cmd('help', '', { userId: '99' }));
    expect(help?.text).toContain('/whoami');
    expect(help?.text).not.toContain('/status');
  });

  it('lists in help only what the user may run', async () => {
    const { plane } = makePlane(BASE_YAML);
    const stranger = (await plane.handle(cmd('help', '', { userId: '99' })))!.text;
    for (const c of ['/help', '/whoami']) expect(stranger).toContain(c);
    // No `users` on this bot: what reads state is for admins too.
    for (const c of ['/status', '/recent', '/failed', '/mutes', '/test', '/mute ', '/unmute', '/retry']) expect(stranger).not.toContain(c);
    const admin = (await plane.handle(cmd('help', '', { userId: '42' })))!.text;
    for (const c of ['/test', '/mute', '/unmute', '/retry', '/status']) expect(admin).toContain(c);
  });

  it('answers /start with help (Telegram sends it when a chat opens)', async () => {
    const { plane } = makePlane(BASE_YAML);
    expect((await plane.handle(cmd('start', '', { kind: 'user', chatId: '42' })))?.text).toContain('/whoami');
  });

  it('says so for an unknown command in a private chat, stays quiet in a group, and audits both', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    expect((await plane.handle(cmd('nope', '', { kind: 'user', chatId: '42' })))?.text).toMatch(/Unknown command \/nope/);
    expect(await plane.handle(cmd('nope', '', { kind: 'group' }))).toBeUndefined();
    const log = await store.auditLog(5);
    expect(log.filter((e) => e.command === 'nope' && e.outcome === 'refused')).toHaveLength(2);
  });

  it('answers an unknown command in a group when the platform says it was meant for this bot', async () => {
    const { plane } = makePlane(BASE_YAML);
    const r = await plane.handle({ ...cmd('nope', '', { kind: 'group' }), addressed: true });
    expect(r).toMatchObject({ ephemeral: true, text: expect.stringMatching(/Unknown command \/nope/) });
  });

  it('turns a failing handler into a polite reply, audited as an error, with secrets masked', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    store.countByState = async () => {
      throw new Error('connect to https://api.example.com/x?token=supersecretvalue failed');
    };
    const r = await plane.handle(cmd('status'));
    expect(r?.text).toMatch(/^Sorry, \/status failed: /);
    expect(r?.text).not.toContain('supersecretvalue');
    const [e] = await store.auditLog(1);
    expect(e).toMatchObject({ command: 'status', outcome: 'error' });
    expect(e?.detail).not.toContain('supersecretvalue');
  });

  it('still replies when the audit log cannot be written', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    store.audit = async () => {
      throw new Error('disk full');
    };
    expect((await plane.handle(cmd('whoami')))?.text).toContain('`42`');
  });

  it('registers admin commands for a bot only when it has admins', () => {
    const { plane } = makePlane(BASE_YAML);
    const withAdmins = plane.commandsFor('tg').map((c) => c.name);
    expect(withAdmins).toEqual(expect.arrayContaining(['help', 'whoami', 'status', 'test', 'mute', 'unmute', 'retry']));
    const none = plane.commandsFor('open');
    expect(none.map((c) => c.name)).not.toContain('mute');
    expect(none.every((c) => c.description.length > 0 && c.description.length <= 100)).toBe(true);
    expect(plane.commandsFor('tg').find((c) => c.name === 'mute')).toMatchObject({ admin: true, usage: '<source|event-glob> <duration>' });
  });

  it('tells which commands are admin-only and who the admins are, for menus scoped to admins', () => {
    const { plane } = makePlane(`
bots:
  tg: { platform: console, admins: [42, "alice"] }
  open: { platform: console }
`);
    const admin = plane.commandsFor('tg').filter((c) => c.admin).map((c) => c.name);
    expect(admin).toEqual(expect.arrayContaining(['test', 'mute', 'unmute', 'retry', 'audit']));
    expect(admin).not.toContain('whoami');
    expect(plane.commandsFor('tg').filter((c) => !c.admin).map((c) => c.name)).toEqual(['help', 'whoami']);
    // Without `users`, the commands that read state are the admins' too.
    expect(admin).toEqual(expect.arrayContaining(['status', 'recent', 'failed', 'mutes']));
    // As strings, as the config gives them (YAML numbers included); the adapter decides what it can use.
    expect(plane.adminsFor('tg')).toEqual(['42', 'alice']);
    expect(plane.adminsFor('open')).toEqual([]);
    expect(plane.adminsFor('nope')).toEqual([]);
  });
});

describe('command plane robustness', () => {
  it('never throws, even for a malformed command from an adapter', async () => {
    const { plane } = makePlane(BASE_YAML);
    const bad = { bot: 'tg', platform: 'console', name: 'whoami', args: undefined, user: undefined, chat: undefined } as never;
    await expect(plane.handle(bad)).resolves.toEqual({ text: 'Sorry, that command could not be handled.', ephemeral: true });
  });

  it('folds the name to lower case and trims the arguments', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    expect((await plane.handle(cmd('MUTE', '  bgi 1h  ')))?.text).toMatch(/^Muted `bgi`/);
    expect((await store.auditLog(1))[0]).toMatchObject({ command: 'mute', args: 'bgi 1h' });
  });
});

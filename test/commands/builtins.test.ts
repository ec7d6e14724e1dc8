import { describe, expect, it } from 'vitest';
import { newEventId } from '../../src/event-id.js';
import { parseMarkup, plainText } from '../../src/render/markup.js';
import type { Notice } from '../../src/notice.js';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { BASE_YAML, T0, cmd, makePlane } from './harness.js';

const notice = (source: string, event: string, title?: string): Omit<Notice, 'id'> => ({
  source,
  format: 'report',
  event,
  level: 'info',
  ...(title ? { title } : {}),
  time: new Date(T0).toISOString(),
  vars: {},
});

async function deadDelivery(store: SqliteStore, now: number, reason: string) {
  const a = await store.ingest({
    id: newEventId(now),
    source: 'bgi',
    notice: notice('bgi', 'domain.end'),
    deliveries: [{ bot: 'tg', chat: '-100777', kind: 'group', target: 'tg:-100777', silent: false }],
  });
  const id = a.deliveries[0]!.id;
  const [claimed] = await store.claimDue(now, 10, ['tg']);
  await store.markDead(claimed!, reason, now);
  return id;
}

describe('whoami', () => {
  it('answers the ids and the target string of a forum topic, ephemerally', async () => {
    const { plane } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('whoami', '', { userId: '99', chatId: '-1001234567890', thread: '42' }));
    expect(r?.ephemeral).toBe(true);
    const text = plainText(parseMarkup(r!.text));
    expect(text).toContain('User: 99 (alice)');
    expect(text).toContain('Chat: -1001234567890 (group)');
    expect(text).toContain('Thread: 42');
    expect(text).toContain('Target: tg:-1001234567890/42');
    expect(text).toContain('to_group');
    expect(text).not.toContain('— admin');
  });

  it('in a private chat gives the user target for `to`, and says when you are an admin', async () => {
    const { plane } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('whoami', '', { userId: '42', chatId: '42', kind: 'user' }));
    const text = plainText(parseMarkup(r!.text));
    expect(text).toContain('Target: tg:42');
    expect(text).not.toContain('Thread');
    expect(text).toContain('Put tg:42 under to ');
    expect(text).toContain('— admin');
  });

  it('in a channel, posted by the channel itself, gives the target and no admin line', async () => {
    const { plane } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('whoami', '', { user: { id: '-1009876543210', name: 'Status' }, chatId: '-1009876543210' }));
    const text = plainText(parseMarkup(r!.text));
    expect(text).toContain('Target: tg:-1009876543210');
    expect(text).not.toContain('admins');
  });

  it('escapes a user name that looks like markup', async () => {
    const { plane } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('whoami', '', { user: { id: '5', name: '**boss** [x](http://evil)' } }));
    const spans = parseMarkup(r!.text);
    expect(plainText(spans)).toContain('(**boss** [x](http://evil))');
    expect(JSON.stringify(spans)).not.toContain('"link"');
  });
});

describe('mute, unmute, mutes', () => {
  it('stores a mute with the expiry its duration gives, by the asker', async () => {
    const { plane, store, clock } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('mute', 'bgi 2h'));
    expect(r?.text).toContain('Muted `bgi` for 2 h');
    expect(await store.activeMutes(clock.now())).toEqual([
      expect.objectContaining({ pattern: 'bgi', until: T0 + 2 * 3600_000, by: 'tg:42', createdAt: T0 }),
    ]);
    clock.advance(2 * 3600_000);
    expect(await store.activeMutes(clock.now())).toEqual([]);
  });

  it('takes a quoted event glob', async () => {
    const { plane, store } = makePlane(BASE_YAML + '  rec: { format: onelive, token: "0123456789abcdef0123" }\n');
    await plane.handle(cmd('mute', '"live_*" 30m'));
    expect((await store.activeMutes(T0))[0]).toMatchObject({ pattern: 'live_*', until: T0 + 30 * 60_000 });
  });

  it.each([
    ['bgi', /Usage: \/mute/],
    ['bgi 30', /no unit/],
    ['bgi soon', /not a duration/],
    ['a b 1h', /Usage/],
  ])('refuses `mute %s` with a hint, stores nothing, audits an error', async (args, re) => {
    const { plane, store } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('mute', args));
    expect(r?.text).toMatch(re);
    expect(await store.activeMutes(T0)).toEqual([]);
    expect((await store.auditLog(1))[0]).toMatchObject({ command: 'mute', outcome: 'error' });
  });

  it('lists active mutes and unmutes one pattern or all', async () => {
    const { plane, store } = makePlane(BASE_YAML + '  am: { format: alertmanager, token: "0123456789abcdef0123" }\n');
    await plane.handle(cmd('mute', 'bgi 1h'));
    await plane.handle(cmd('mute', 'alert.* 1d'));
    const list = (await plane.handle(cmd('mutes', '', { userId: '42' })))!.text;
    expect(list).toContain('`bgi` until 2024-05-01 13:00 UTC (1 h left)');
    expect(list).toContain('`alert.*` until 2024-05-02 12:00 UTC');
    expect((await plane.handle(cmd('unmute', 'bgi')))?.text).toBe('Unmuted `bgi`.');
    expect((await plane.handle(cmd('unmute', 'bgi')))?.text).toMatch(/No mute on/);
    expect((await store.activeMutes(T0)).map((m) => m.pattern)).toEqual(['alert.*']);
    expect((await plane.handle(cmd('unmute')))?.text).toBe('Removed all 1 mute.');
    expect((await plane.handle(cmd('mutes')))?.text).toBe('No active mutes.');
  });
});

describe('failed and retry', () => {
  it('lists dead deliveries with their reasons', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    const id = await deadDelivery(store, T0, 'Forbidden: bot was blocked by the user');
    const r = (await plane.handle(cmd('failed', '', { userId: '42' })))!.text;
    expect(r).toContain(`#${id} \`tg:-100777\``);
    expect(plainText(parseMarkup(r))).toContain('Forbidden: bot was blocked by the user');
  });

  it('retry <id> puts one dead delivery back to pending, due now', async () => {
    const { plane, store, clock } = makePlane(BASE_YAML);
    const a = await deadDelivery(store, T0, 'chat not found');
    const b = await deadDelivery(store, T0, 'chat not found');
    clock.advance(60_000);
    expect((await plane.handle(cmd('retry', `#${a}`)))?.text).toBe(`Retrying delivery #${a}.`);
    expect(await store.getDelivery(a)).toMatchObject({ state: 'pending', nextAt: T0 + 60_000 });
    expect((await store.getDelivery(b))?.state).toBe('dead');
    expect((await plane.handle(cmd('retry', String(a))))?.text).toMatch(/is pending, not failed/);
    expect((await plane.handle(cmd('retry', '9999')))?.text).toMatch(/No delivery #9999/);
    expect((await store.auditLog(1))[0]).toMatchObject({ command: 'retry', outcome: 'error', detail: expect.stringMatching(/No delivery #9999/) });
    expect((await plane.handle(cmd('retry', 'all')))?.text).toBe('Retrying 1 failed delivery.');
    expect((await store.getDelivery(b))?.state).toBe('pending');
    expect((await plane.handle(cmd('retry', 'soon')))?.text).toMatch(/Usage: \/retry/);
  });
});

describe('test', () => {
  it('sends to this group chat through submit, with the chat target as to_group', async () => {
    const { plane, submitted } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('test', '', { chatId: '-1001234', thread: '7' }));
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.targets).toEqual({ toGroup: ['tg:-1001234/7'] });
    expect(submitted[0]!.notice).toMatchObject({ event: 'notify.test', source: 'hookbot', level: 'info', from: 'tg' });
    expect(r?.text).toContain('`tg:-1001234/7` — pending');
  });

  it('sends to this private chat as `to`', async () => {
    const { plane, submitted } = makePlane(BASE_YAML);
    await plane.handle(cmd('test', '', { chatId: '42', kind: 'user' }));
    expect(submitted[0]!.targets).toEqual({ to: ['tg:42'] });
  });

  it('sends to a given target, a person with `user`, and a name from people:', async () => {
    const { plane, submitted } = makePlane(BASE_YAML + 'people: { alice: [ "tg:42" ] }\n');
    await plane.handle(cmd('test', 'open:-100555'));
    await plane.handle(cmd('test', 'user tg:42'));
    await plane.handle(cmd('test', 'alice'));
    expect(submitted.map((s) => s.targets)).toEqual([{ toGroup: ['open:-100555'] }, { to: ['tg:42'] }, { to: ['alice'] }]);
  });

  it('replies the pipeline\'s error for a bad target', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    const r = await plane.handle(cmd('test', 'nobot:1'));
    expect(r?.text).toMatch(/Could not send the test notification: 'nobot:1' is not a target/);
    expect((await store.auditLog(1))[0]).toMatchObject({ command: 'test', outcome: 'error' });
  });
});

describe('status and recent', () => {
  it('shows uptime, version, deliveries by state, last event per source and bot health', async () => {
    const { plane, store, clock } = makePlane(BASE_YAML);
    await store.ingest({ id: newEventId(clock.now()), source: 'bgi', notice: notice('bgi', 'domain.start', 'Start'), deliveries: [] });
    // Older than the last event (of the same millisecond, the later one would be the last).
    await deadDelivery(store, clock.now(), 'x');
    clock.advance(5 * 60_000);
    await store.ingest({ id: newEventId(clock.now()), source: 'bgi', notice: notice('bgi', 'domain.end', 'Done _now_'), deliveries: [] });
    clock.advance(3 * 3600_000 + 60_000);
    const text = plainText(parseMarkup((await plane.handle(cmd('status')))!.text));
    expect(text).toContain('hookbot 0.1.0-test — up 3 h 6 min');
    expect(text).toContain('pending 0, sending 0, sent 0, dead 1, muted 0');
    expect(text).toContain('bgi: domain.end — Done _now_ (3 h 1 min ago)');
    expect(text).toContain('tg (console): starting');
    expect(text).toContain('open (console): starting');
  });

  it('recent lists the last events, newest first, at most n', async () => {
    const { plane, store, clock } = makePlane(BASE_YAML);
    for (const e of ['a.one', 'a.two', 'a.three']) {
      await store.ingest({ id: newEventId(clock.now()), source: 'bgi', notice: notice('bgi', e), deliveries: [] });
      clock.advance(1000);
    }
    const text = (await plane.handle(cmd('recent', '2')))!.text;
    expect(text).toContain('Last 2 events');
    expect(text.indexOf('a.three')).toBeGreaterThan(0);
    expect(text.indexOf('a.three')).toBeLessThan(text.indexOf('a.two'));
    expect(text).not.toContain('a.one');
  });

  it('recent <source> shows the captured payloads, shortened', async () => {
    const { plane, store } = makePlane(BASE_YAML);
    const body = JSON.stringify({ event: 'domain.end', message: 'x'.repeat(2000) });
    await store.capture({ source: 'bgi', at: T0, headers: {}, query: {}, body, outcome: 'accepted evt_1' }, 20);
    const text = (await plane.handle(cmd('recent', 'bgi')))!.text;
    expect(text).toContain('Last payload of bgi');
    expect(text).toContain('accepted evt\\_1');
    expect(text).toContain('{"event":"domain.end"');
    expect(text.length).toBeLessThan(600);
    const said = async (args: string) => plainText(parseMarkup((await plane.handle(cmd('recent', args)))!.text));
    expect(await said('nosuch')).toBe("No source 'nosuch' (have: bgi).");
    expect(await said('bgj')).toBe("No source 'bgj': did you mean 'bgi'? (have: bgi).");
    expect((await plane.handle(cmd('recent', 'bgi zero')))?.text).toMatch(/not a count/);
  });
});

describe('audit', () => {
  it('shows an admin the last commands, refusals included; refused to others', async () => {
    const { plane } = makePlane(BASE_YAML);
    await plane.handle(cmd('mute', 'bgi 2h', { userId: '99' }));
    const text = (await plane.handle(cmd('audit', '5')))!.text;
    expect(text).toContain('2024-05-01 12:00 UTC tg `99` in `-1001234`: /mute bgi 2h — **refused** (not an admin)');
    expect((await plane.handle(cmd('audit', '', { userId: '99' })))?.text).toMatch(/is for admins/);
  });
});

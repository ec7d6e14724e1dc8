// The reverse WebSocket hookbot serves for QQ: who may connect, what drives health, what is ignored.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatCommand, Reply } from '../../../src/bot.js';
import { ADMIN, GROUP, SELF, STRANGER, TOKEN, onebotHarness, type OneBotHarness } from './harness.js';

let h: OneBotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the reverse WebSocket', () => {
  it.each([
    ['Bearer (NapCat, Lagrange)', 'bearer'],
    ['Token (go-cqhttp)', 'token'],
    ['?access_token=', 'query'],
  ] as const)('takes the token as %s', async (_n, auth) => {
    h = await onebotHarness({ http: false });
    expect(await h.fake.connect(h.wsUrl, { auth })).toBe('open');
    await h.waitHealth('ok');
  });

  it('refuses a wrong or missing token with 401 before the upgrade, logging it once', async () => {
    h = await onebotHarness({ http: false });
    expect(await h.fake.connect(h.wsUrl, { token: 'wrong-token-0123456789' })).toBe(401);
    expect(await h.fake.connect(h.wsUrl, { token: 'wrong-token-0123456789' })).toBe(401);
    expect(await h.fake.connect(h.wsUrl, { auth: 'none' })).toBe(401);
    const warnings = h.logs().split('\n').filter((l) => l.includes('refused a reverse WebSocket: wrong access token'));
    expect(warnings).toHaveLength(1);
    expect(h.logs()).not.toContain('wrong-token-0123456789');
    expect(h.logs()).not.toContain(TOKEN);
    expect(h.bot.health().state).toBe('starting');
  });

  it('refuses another QQ account when selfId is set (403)', async () => {
    h = await onebotHarness({ http: false, options: { selfId: String(SELF) } });
    expect(await h.fake.connect(h.wsUrl, { selfId: '10086' })).toBe(403);
    expect(await h.fake.connect(h.wsUrl)).toBe('open');
  });

  it('shows starting with the reason when the socket drops, and ok again when QQ reconnects', async () => {
    h = await onebotHarness();
    await h.waitHealth('ok');
    await h.fake.connect(h.wsUrl);
    h.fake.disconnect();
    const down = await h.waitHealth('starting', /reverse WebSocket from QQ closed/);
    expect(down.reason).toMatch(/reconnect/);
    await h.fake.connect(h.wsUrl);
    await h.waitHealth('ok');
  });

  it('shows starting when three heartbeat intervals pass without one, and ok at the next', async () => {
    h = await onebotHarness({ http: false, fake: { heartbeatMs: 100 } });
    await h.fake.connect(h.wsUrl);
    // One heartbeat tells the interval; then they stop.
    h.fake.sendEvent({ time: 1, self_id: SELF, post_type: 'meta_event', meta_event_type: 'heartbeat', status: { online: true, good: true }, interval: 100 });
    h.fake.stopHeartbeats();
    const silent = await h.waitHealth('starting', /no heartbeat from QQ/);
    expect(silent.reason).toMatch(/three intervals/);
    h.fake.sendEvent({ time: 2, self_id: SELF, post_type: 'meta_event', meta_event_type: 'heartbeat', status: { online: true, good: true }, interval: 100 });
    await h.waitHealth('ok');
  });

  it('is unhealthy while QQ reports the account offline', async () => {
    h = await onebotHarness({ http: false });
    await h.fake.connect(h.wsUrl);
    h.fake.sendEvent({ time: 1, self_id: SELF, post_type: 'meta_event', meta_event_type: 'heartbeat', status: { online: false, good: false }, interval: 30_000 });
    await h.waitHealth('unhealthy', /offline/);
    h.fake.sendEvent({ time: 2, self_id: SELF, post_type: 'meta_event', meta_event_type: 'heartbeat', status: { online: true, good: true }, interval: 30_000 });
    await h.waitHealth('ok');
  });

  it('ignores malformed frames with a debug line, and the socket keeps working', async () => {
    const commands: ChatCommand[] = [];
    h = await onebotHarness({ http: false, host: { onCommand: async (c): Promise<Reply> => (commands.push(c), { text: 'pong' }) } });
    await h.fake.connect(h.wsUrl);
    h.fake.sendRaw('{not json');
    h.fake.sendRaw('[1,2,3]');
    h.fake.sendEvent({ post_type: 'message', message_type: 'group', message: { weird: true } });
    h.fake.sendEvent({ hello: 'there' });
    h.fake.privateMessage(ADMIN, '/ping');
    await h.fake.waitFor(() => h!.fake.sent.length === 1, 20_000, 'the reply');
    expect(commands.map((c) => c.name)).toEqual(['ping']);
    expect(h.fake.sent[0]).toMatchObject({ type: 'private', target: ADMIN, via: 'ws' });
    expect(h.logs()).toContain('ignored a frame that is not a JSON object');
    expect(h.logs()).toContain('ignored a frame without post_type');
    expect(h.fake.connected).toBe(true);
  });

  it('takes commands from groups and private chats, in arrays and CQ strings, replying to the same chat', async () => {
    const commands: ChatCommand[] = [];
    h = await onebotHarness({ host: { onCommand: async (c): Promise<Reply> => (commands.push(c), { text: `**ok** ${c.name}` }) } });
    await h.fake.connect(h.wsUrl);
    h.fake.groupMessage(GROUP, STRANGER, '/whoami', { format: 'string' });
    await h.fake.waitFor(() => h!.fake.sent.length === 1, 20_000, 'the group reply');
    h.fake.privateMessage(ADMIN, 'status', { format: 'array', atSelf: true });
    await h.fake.waitFor(() => h!.fake.sent.length === 2, 20_000, 'the private reply');
    expect(commands.map((c) => [c.name, c.chat.kind, c.chat.id, c.user.id])).toEqual([
      ['whoami', 'group', String(GROUP), String(STRANGER)],
      ['status', 'user', String(ADMIN), String(ADMIN)],
    ]);
    const [g, p] = h.fake.sent;
    expect(g).toMatchObject({ type: 'group', target: GROUP, via: 'http' });
    // The group reply quotes the command, then says it as plain text.
    expect(g!.segments.map((s) => s.type)).toEqual(['reply', 'text']);
    expect(g!.segments[1]!.data['text']).toBe('ok whoami');
    expect(p).toMatchObject({ type: 'private', target: ADMIN });
  });

  it('spaces a command reply and a delivery to the same group, so risk control sees no burst', async () => {
    h = await onebotHarness({ host: { onCommand: async (): Promise<Reply> => ({ text: 'pong' }) } });
    await h.fake.connect(h.wsUrl);
    await h.waitHealth('ok');
    h.fake.groupMessage(GROUP, ADMIN, '/ping');
    const delivery = h.bot.send({ chat: String(GROUP), kind: 'group' }, { body: [{ kind: 'text', text: 'notice' }], fields: [], level: 'info', source: 's', event: 'e', time: '', silent: false }, { signal: new AbortController().signal, key: 'spaced' });
    await h.fake.waitFor(() => h!.fake.sent.length === 2, 20_000, 'the reply and the delivery');
    await delivery;
    const [a, b] = h.fake.sent;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(900);
    expect(h.fake.qq.riskRefusals).toEqual([]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import type { BotHost } from '../../../src/bot.js';
import { WebClient } from '@slack/web-api';
import { SocketLink } from '../../../bots/slack/socket-link.js';
import { SocketClient, type Envelope } from '../../../bots/slack/socket-client.js';
import { ManualClock } from '../../../src/clock.js';
import { slackHarness } from './harness.js';

let h: Awaited<ReturnType<typeof slackHarness>>;
afterEach(async () => h?.close());

const APP_TOKEN = 'xapp-fake-app-token-0123456789';
const host: BotHost = { onCommand: async (c) => ({ text: `pong ${c.name}` }), commands: () => [], mount: () => {} };

describe('Slack Socket Mode connection', () => {
  it('reconnects when Slack asks for a refresh', async () => {
    h = await slackHarness({ appToken: APP_TOKEN });
    await h.bot.start(host);
    await h.fake.socket.connected();
    h.fake.socket.refresh();
    await h.fake.waitFor(() => h.fake.socket.connections === 2 && h.fake.socket.clients.size === 1, 10_000, 'the second connection');
    expect((await h.fake.socket.slashCommand({ text: 'ping' })).payload).toMatchObject({ text: 'pong ping' });
  });

  it('keeps trying after the connection drops and apps.connections.open fails meanwhile', async () => {
    h = await slackHarness({ appToken: APP_TOKEN });
    await h.bot.start(host);
    await h.fake.socket.connected();
    h.fake.failNext('apps.connections.open', { status: 503 });
    h.fake.failNext('apps.connections.open', { error: 'internal_error' });
    h.fake.socket.drop();
    await h.fake.waitFor(() => h.fake.socket.connections === 2 && h.fake.socket.clients.size === 1, 20_000, 'the reconnection');
    expect(h.fake.requests.filter((r) => r.method === 'apps.connections.open')).toHaveLength(4);
    expect((await h.fake.socket.slashCommand({ text: 'ping' })).payload).toMatchObject({ text: 'pong ping' });
    // Health is the bot's own state, read when asked: poll it.
    await vi.waitFor(() => expect(h.bot.health().state).toBe('ok'), { timeout: 5000 });
  }, 30_000);

  it('says it is reconnecting (starting, with the reason) while disconnected, not unhealthy', async () => {
    h = await slackHarness({ appToken: APP_TOKEN });
    await h.bot.start(host);
    await h.fake.socket.connected();
    h.fake.failNext('apps.connections.open', { status: 503 });
    h.fake.socket.drop();
    expect(h.bot.health().state).toBe('ok');
    await vi.waitFor(() => expect(h.bot.health()).toMatchObject({ state: 'starting', reason: expect.stringMatching(/^commands: Socket Mode: slack: HTTP 503/) }), { timeout: 10_000 });
  }, 20_000);

  it('does not hold up start-up when Socket Mode cannot connect at first, and connects later', async () => {
    h = await slackHarness({ appToken: APP_TOKEN });
    h.fake.failNext('apps.connections.open', { status: 503 });
    await h.bot.start(host);
    expect(h.bot.health()).toMatchObject({ state: 'starting', reason: expect.stringContaining('HTTP 503') });
    await h.fake.socket.connected(10_000);
    // Health is the bot's own state, read when asked: poll it.
    await vi.waitFor(() => expect(h.bot.health().state).toBe('ok'), { timeout: 5000 });
    expect(h.logs()).not.toContain(APP_TOKEN);
  }, 20_000);

  it('stops reconnecting once stopped', async () => {
    h = await slackHarness({ appToken: APP_TOKEN });
    await h.bot.start(host);
    await h.fake.socket.connected();
    await h.bot.stop();
    await h.fake.waitFor(() => h.fake.socket.clients.size === 0, 5000, 'the close');
    // A reconnection would come 1 s after the close (the first backoff): wait past it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.fake.socket.connections).toBe(1);
    expect(h.bot.health().state).toBe('stopped');
  });
});

describe('SocketLink', () => {
  it('lets start-up go on when the first connection hangs, and reports it when it finally fails', async () => {
    // A client whose connection attempt neither opens nor fails until told to.
    let fail!: (e?: unknown) => void;
    const client = Object.assign(new EventEmitter(), {
      start: () => new Promise((_, reject) => (fail = reject)),
      disconnect: async () => {},
    });
    const states: (string | undefined)[] = [];
    const link = new SocketLink(client as never, { secrets: [], report: (p) => states.push(p), startWaitMs: 50, backoffMs: () => 60_000 });
    await link.start();
    expect(states).toEqual([]);
    fail();
    await vi.waitFor(() => expect(states).toEqual(['Socket Mode: the WebSocket closed before Slack said hello; trying again in 60 s']));
    await link.stop();
  });
});

describe('SocketLink against the fake Slack', () => {
  /** A link whose backoff is a minute, recording each backoff step it takes. */
  async function linked() {
    h = await slackHarness({ appToken: APP_TOKEN });
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => 'warn', setName: () => {} } as never;
    const c = new SocketClient({ web: new WebClient(APP_TOKEN, { slackApiUrl: h.fake.apiUrl, retryConfig: { retries: 0 } }), logger, connectTimeoutMs: 5000 });
    const steps: number[] = [];
    const states: (string | undefined)[] = [];
    const link = new SocketLink(c, { secrets: [APP_TOKEN], report: (p) => states.push(p), backoffMs: (n) => (steps.push(n), 60_000) });
    await link.start();
    expect(h.fake.socket.clients.size).toBe(1);
    return { link, steps, states };
  }
  let link: SocketLink | undefined;
  afterEach(async () => {
    await link?.stop();
    link = undefined;
  });

  for (const reason of ['refresh_requested', 'warning'] as const) {
    it(`opens the next connection at once after Slack's routine disconnect (${reason}), without a backoff step`, async () => {
      const l = await linked();
      link = l.link;
      h.fake.socket.refresh(reason);
      // Backoff would wait a minute here.
      await h.fake.waitFor(() => h.fake.socket.connections === 2 && h.fake.socket.clients.size === 1, 5000, 'the next connection');
      expect(l.steps).toEqual([]);
    });
  }

  it('backs off when the connection after a refresh cannot be opened', async () => {
    const l = await linked();
    link = l.link;
    h.fake.failNext('apps.connections.open', { status: 503 });
    h.fake.socket.refresh();
    // Connected (no problem), then the failed reconnection with the first backoff step.
    await vi.waitFor(() => expect(l.states).toEqual([undefined, expect.stringMatching(/HTTP 503.*trying again in 60 s/)]));
    expect(l.steps).toEqual([1]);
    expect(h.fake.socket.connections).toBe(1);
  });

  it('waits the first backoff step after a cut connection or a disconnect that is not routine', async () => {
    for (const cut of [() => h.fake.socket.drop(), () => h.fake.socket.refresh('link_disabled')]) {
      const l = await linked();
      link = l.link;
      cut();
      await vi.waitFor(() => expect(l.steps).toEqual([1]));
      expect(h.fake.socket.connections).toBe(1);
      await l.link.stop();
      await h.close();
    }
  });
});

describe('SocketClient against the fake Slack', () => {
  async function client(over: { pingIntervalMs?: number; clock?: ManualClock } = {}) {
    h = await slackHarness({ appToken: APP_TOKEN });
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => 'warn', setName: () => {} } as never;
    const c = new SocketClient({ web: new WebClient(APP_TOKEN, { slackApiUrl: h.fake.apiUrl, retryConfig: { retries: 0 } }), logger, connectTimeoutMs: 5000, ...over });
    return c;
  }

  it('drops a connection that stopped answering pings, and says so', async () => {
    const c = await client({ pingIntervalMs: 50 });
    await c.start();
    const gone = new Promise<void>((r) => c.once('disconnected', r));
    h.fake.socket.stall();
    await gone;
    await c.disconnect();
  });

  it('keeps a connection that answers pings', async () => {
    // Long enough for a pong to come back on a busy machine (the fake and the client share one process).
    const c = await client({ pingIntervalMs: 250 });
    await c.start();
    let disconnected = false;
    c.on('disconnected', () => (disconnected = true));
    // Four ping rounds, each answered.
    await h.fake.waitFor(() => h.fake.socket.pings >= 4, 5000, 'four pings');
    expect(disconnected).toBe(false);
    expect(h.fake.socket.clients.size).toBe(1);
    await c.disconnect();
  });

  it('keeps one ping timer when Slack says hello again on the same connection', async () => {
    const clock = new ManualClock(0);
    const c = await client({ pingIntervalMs: 1000, clock });
    await c.start();
    let disconnected = false;
    c.on('disconnected', () => (disconnected = true));
    c.on('envelope', (e: Envelope) => void e.ack());
    // Frames arrive in order: once an envelope sent after them is acknowledged, the client has read them.
    const readSoFar = () => h.fake.socket.envelope('interactive', { type: 'block_actions', actions: [] }, false);
    h.fake.socket.sendRaw(JSON.stringify({ type: 'hello', num_connections: 1 }));
    await readSoFar();
    for (let round = 1; round <= 3; round++) {
      // A second timer would find the first one's ping unanswered in the same tick and drop the connection.
      clock.advance(1000);
      await h.fake.waitFor(() => h.fake.socket.pings === round, 5000, `ping ${round}`);
      await readSoFar(); // the pong
      expect(disconnected).toBe(false);
    }
    expect(h.fake.socket.pings).toBe(3);
    await c.disconnect();
  });

  it('ignores a frame that is not JSON, and acknowledges envelopes it does not handle (interactions)', async () => {
    h = await slackHarness({ appToken: APP_TOKEN });
    const seen: string[] = [];
    await h.bot.start({ onCommand: async (c) => (seen.push(c.name), { text: 'pong' }), commands: () => [], mount: () => {} });
    await h.fake.socket.connected();
    h.fake.socket.sendRaw('not json');
    const ack = await h.fake.socket.envelope('interactive', { type: 'block_actions', actions: [] }, true);
    expect(ack.payload ?? {}).toEqual({});
    expect((await h.fake.socket.slashCommand({ text: 'ping' })).payload).toMatchObject({ text: 'pong' });
    expect(seen).toEqual(['ping']);
    expect(h.bot.health().state).toBe('ok');
  });

  it('does not take its own mentions as commands', async () => {
    h = await slackHarness({ appToken: APP_TOKEN });
    const seen: string[] = [];
    await h.bot.start({ onCommand: async (c) => (seen.push(c.name), { text: 'pong' }), commands: () => [], mount: () => {} });
    await h.fake.socket.connected();
    await h.fake.socket.mention({ text: `<@${h.fake.botUserId}> status`, user: h.fake.botUserId });
    await h.fake.socket.mention({ text: `<@${h.fake.botUserId}> whoami`, user: 'U0BOB' });
    await h.fake.waitFor(() => h.fake.messages[0]);
    expect(seen).toEqual(['whoami']);
  });
});

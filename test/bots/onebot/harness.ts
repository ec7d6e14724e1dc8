// A OneBot bot wired to the fake OneBot: the fake's HTTP API as `url` (or none), and hookbot's
// WebSocket mounts on a local server for the fake to dial.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { BotHealth, BotHost } from '../../../src/bot.js';
import { systemClock } from '../../../src/clock.js';
import { webSocketMounts } from '../../../src/http/websocket.js';
import { onebotBot, type OneBotBot } from '../../../bots/onebot/onebot.js';
import { FakeOneBot, type FakeOneBotOptions } from '../../fakes/onebot/fake-onebot.js';

export const TOKEN = 'onebot-test-token-0123456789';
export const SELF = 2854196310;
export const ADMIN = 10001;
export const STRANGER = 10002;
export const GROUP = 123456789;

export interface OneBotHarness {
  fake: FakeOneBot;
  bot: OneBotBot;
  wsUrl: string;
  logs(): string;
  /** Resolves once the bot's health matches. */
  waitHealth(state: BotHealth['state'], reason?: RegExp): Promise<BotHealth>;
  close(): Promise<void>;
}

export async function onebotHarness(o: { http?: boolean; fake?: Partial<FakeOneBotOptions>; options?: Record<string, unknown>; host?: Partial<BotHost>; start?: boolean } = {}): Promise<OneBotHarness> {
  const fake = new FakeOneBot({ token: TOKEN, selfId: SELF, users: [ADMIN, STRANGER], groups: [GROUP], heartbeatMs: 30_000, ...o.fake });
  await fake.start();
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  const mounts = webSocketMounts(logger);
  const server: Server = createServer((_q, r) => r.writeHead(404).end());
  server.on('upgrade', mounts.upgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/onebot/v11/ws`;
  const options = onebotBot.options.parse({ ...(o.http === false ? {} : { url: fake.url }), accessToken: TOKEN, timeoutMs: 5000, ...o.options });
  const bot = onebotBot.create('qq', options, { logger, clock: systemClock }) as OneBotBot;
  const host: BotHost = { onCommand: async () => undefined, commands: () => [], mount: () => {}, mountWebSocket: (m) => mounts.add(m), ...o.host };
  if (o.start !== false) await bot.start(host);
  const waitHealth = (state: BotHealth['state'], reason?: RegExp) =>
    new Promise<BotHealth>((resolve, reject) => {
      const matches = (h: BotHealth) => h.state === state && (!reason || reason.test(h.reason ?? ''));
      if (matches(bot.health())) return resolve(bot.health());
      const timer = setTimeout(() => {
        bot.events.off('health', on);
        reject(new Error(`health stayed ${JSON.stringify(bot.health())}, wanted ${state} ${reason ?? ''}`));
      }, 20_000);
      const on = (h: BotHealth) => {
        if (!matches(h)) return;
        clearTimeout(timer);
        bot.events.off('health', on);
        resolve(h);
      };
      bot.events.on('health', on);
    });
  return {
    fake,
    bot,
    wsUrl,
    logs: () => lines.join(''),
    waitHealth,
    close: async () => {
      await bot.stop();
      await fake.stop();
      mounts.close();
      await new Promise((r) => server.close(r));
    },
  };
}

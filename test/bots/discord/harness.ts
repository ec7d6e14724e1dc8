// Builds a DiscordBot pointed at a FakeDiscord, with a logger whose lines the test can read.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { BotHost, ChatCommand, CommandInfo, HttpMount, Reply } from '../../../src/bot.js';
import { ManualClock } from '../../../src/clock.js';
import type { Message } from '../../../src/message.js';
import { discordBot, type DiscordBot } from '../../../bots/discord/discord.js';
import type { FakeDiscord } from '../../fakes/discord/fake-discord.js';

export function makeBot(fake: FakeDiscord, opts: Record<string, unknown> = {}, id = 'discord') {
  const lines: string[] = [];
  const logged = new EventEmitter();
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      logged.emit('line');
      cb();
    },
  });
  /** Resolves when a log line matches `re` (at once if one already did). */
  const waitForLog = (re: RegExp, timeoutMs = 5000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const hit = lines.find((l) => re.test(l));
        if (!hit) return false;
        clearTimeout(timer);
        logged.off('line', check);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        logged.off('line', check);
        reject(new Error(`no log line matching ${re} within ${timeoutMs}ms`));
      }, timeoutMs);
      if (!check()) logged.on('line', check);
    });
  const logger = pino({ level: 'debug' }, stream);
  const clock = new ManualClock(Date.now());
  const options = discordBot.options.parse({ token: fake.token, applicationId: fake.applicationId, apiRoot: fake.apiRoot, timeoutMs: 5000, ...opts });
  const bot = discordBot.create(id, options, { logger, clock }) as DiscordBot;
  return { bot, logs: () => lines.join(''), waitForLog, clock };
}

export function makeHost(handler: (cmd: ChatCommand) => Promise<Reply | undefined>, commands: CommandInfo[] = []) {
  const mounts: HttpMount[] = [];
  const seen: ChatCommand[] = [];
  const host: BotHost = {
    onCommand: async (cmd) => {
      seen.push(cmd);
      return handler(cmd);
    },
    commands: () => commands,
    mount: (m) => mounts.push(m),
  };
  return { host, mounts, seen };
}

export function message(over: Partial<Message> = {}): Message {
  return { body: [{ kind: 'text', text: 'hello' }], fields: [], level: 'info', source: 'src', event: 'ev', time: '2024-05-01T12:00:00.000Z', silent: false, ...over };
}

export const ctx = (key = 'd-1') => ({ signal: new AbortController().signal, key });

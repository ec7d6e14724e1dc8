// Builds a Telegram adapter against the fake, with a logger whose lines the test can read.
import { Writable } from 'node:stream';
import pino from 'pino';
import { ManualClock } from '../../../src/clock.js';
import type { BotHost, ChatCommand, CommandInfo, HttpMount, Reply } from '../../../src/bot.js';
import type { Message } from '../../../src/message.js';
import { parseMarkup } from '../../../src/render/markup.js';
import { telegramBot, type TelegramBot } from '../../../bots/telegram/telegram.js';

export const TOKEN = '123456789:AAHfakefakefakefakefakefakefakefake1';

export function makeBot(apiRoot: string, extra: Record<string, unknown> = {}, id = 'telegram') {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  );
  const opts = telegramBot.options.parse({ token: TOKEN, apiRoot, ...extra });
  const bot = telegramBot.create(id, opts, { logger, clock: new ManualClock(1_700_000_000_000) }) as TelegramBot;
  return { bot, logs: () => lines.join('') };
}

export function message(m: Partial<Message> & { text?: string } = {}): Message {
  const { text, ...rest } = m;
  return {
    body: text !== undefined ? parseMarkup(text) : [],
    fields: [],
    level: 'info',
    source: 'test',
    event: 'test.event',
    time: '2024-01-01T00:00:00Z',
    silent: false,
    ...rest,
  };
}

let n = 0;
export const sendCtx = () => ({ signal: new AbortController().signal, key: `d${++n}` });

/** A BotHost that records commands and answers them with `answer`. */
export function makeHost(answer: (cmd: ChatCommand) => Reply | undefined, commands: CommandInfo[] = [], admins?: string[]) {
  const received: ChatCommand[] = [];
  const mounts: HttpMount[] = [];
  const host: BotHost = {
    onCommand: async (cmd) => {
      received.push(cmd);
      return answer(cmd);
    },
    commands: () => commands,
    ...(admins ? { admins: () => admins } : {}),
    mount: (r) => void mounts.push(r),
  };
  return { host, received, mounts };
}

// Building robot adapters for tests: a logger whose output the test can read, a clock, a message.
import pino from 'pino';
import { Writable } from 'node:stream';
import type { BotDeps, SendContext } from '../../../src/bot.js';
import type { Clock } from '../../../src/clock.js';
import type { Message } from '../../../src/message.js';
import { createLogger } from '../../../src/log.js';

export function deps(clock: Clock): BotDeps & { logs(): string } {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  const logger: pino.Logger = createLogger('debug', sink as unknown as pino.DestinationStream);
  return { logger, clock, logs: () => out };
}

let n = 0;
export const ctx = (): SendContext => ({ signal: new AbortController().signal, key: `t${++n}` });

export function message(over: Partial<Message> = {}): Message {
  return { body: [], fields: [], level: 'info', source: 'bgi', event: 'domain.end', time: '2026-08-23T03:01:00+08:00', silent: false, ...over };
}

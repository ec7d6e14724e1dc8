// Builds a Slack bot in-process, pointed at a fresh fake Slack.
import pino from 'pino';
import { ManualClock } from '../../../src/clock.js';
import type { Message } from '../../../src/message.js';
import { SlackBot, slackBot, type SlackOptions } from '../../../bots/slack/slack.js';
import { FakeSlack, type FakeSlackOptions } from '../../fakes/slack/fake-slack.js';

export async function slackHarness(opts: Partial<SlackOptions> = {}, fakeOpts: FakeSlackOptions = {}) {
  const fake = new FakeSlack(fakeOpts);
  await fake.start();
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  const options = slackBot.options.parse({ token: fake.botToken, apiRoot: fake.apiUrl, ...opts });
  const clock = new ManualClock(Date.parse('2024-05-01T12:00:00Z'));
  const bot = slackBot.create('slack', options, { logger, clock }) as SlackBot;
  return { fake, bot, clock, logs: () => lines.join(''), close: async () => { await bot.stop(); await fake.stop(); } };
}

export function message(over: Partial<Message> = {}): Message {
  return { body: [], fields: [], level: 'info', source: 'report', event: 'report', time: '2024-05-01T12:00:00Z', silent: false, ...over };
}

let n = 0;
export function ctx(key = `d${++n}`) {
  return { signal: new AbortController().signal, key };
}

// The BotAdapter contract, run against every platform: one row per adapter, started against its fake
// (the platform tests' own harnesses), and the same assertions for all. Which checks apply follows
// from the platform's declared capabilities (no image upload → no upload check, one fixed chat → no
// chat parsing, …); a row may waive another check the platform cannot have, saying why. Adding a
// platform is one row here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { BotAdapter, BotHost, ChatRef } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import type { Message } from '../../src/message.js';
import { escapeMarkup, parseMarkup } from '../../src/render/markup.js';
import { consoleBot } from '../../bots/console/console.js';
import { botModules } from '../../bots/index.js';
import type { Capabilities } from '../../src/bot.js';
import { FakeTelegram } from '../fakes/telegram/fake-telegram.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { embedChars } from '../fakes/discord/limits.js';
import { LIMITS as SLACK_LIMITS, validateBlocks } from '../fakes/slack/blocks.js';
import { PNG } from '../helpers/images.js';
import { TOKEN as TELEGRAM_TOKEN, makeBot as telegramBot } from './telegram/helpers.js';
import { makeBot as discordBot } from './discord/harness.js';
import { slackHarness } from './slack/harness.js';
import { fromDiscord, fromMrkdwn, fromTelegram, joinSeen, plain, type Seen } from './seen.js';
import { failure } from '../helpers/failure.js';

/** What reached one chat of the platform. */
interface Received {
  /** One entry per platform message, in order, as its reader sees it. */
  parts: Seen[];
  /** The platform limits any of those messages broke (empty when all are within them). */
  overLimit: string[];
  /** Uploaded file bytes. */
  uploads: Buffer[];
}

interface Started {
  bot: BotAdapter;
  received(chat: string): Received;
  /** Makes a chat the platform does not know, and returns it. */
  unknownChat?(): string;
  /** The platform answers the next send with 429 and a retry-after of `seconds`. */
  rateLimitNext?(seconds: number): void;
  /** Resolves once what start() connects in the background is up (polling held, gateway ready). */
  settled(): Promise<void>;
  /** The bot's log output so far. */
  logs(): string;
  /** The token the bot was given, which must never show in errors or logs. */
  token?: string;
  /** The row already ran start() to be able to send at all. */
  started?: true;
  close(): Promise<void>;
}

type Check = 'parseChat' | 'thread' | 'formatting' | 'emphasis' | 'split' | 'image' | 'unknownChat' | 'rateLimit' | 'badToken';

interface Row {
  platform: string;
  /** A group chat the fake knows, as written in a target. */
  chat: string;
  /** A chat with a thread, as written and as parsed. */
  thread: [string, { chat: string; thread: string }];
  malformed: string;
  /** `badToken`: the bot is given a token the platform refuses. */
  start(opts: { badToken?: boolean }): Promise<Started>;
  /** Checks that do not apply to this platform, with the reason. */
  waive: Partial<Record<Check, string>>;
}

const rows: Row[] = [
  {
    platform: 'console',
    chat: 'ops',
    thread: ['ops/1', { chat: 'ops', thread: '1' }],
    malformed: 'ops team',
    waive: {
      unknownChat: 'every name is a console chat: there is no platform to refuse one',
      rateLimit: 'there is no platform to answer 429',
      badToken: 'it has no token',
    },
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'hookbot-contract-'));
      const output = join(dir, 'out.jsonl');
      const lines: string[] = [];
      const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
      const bot = consoleBot.create('console', consoleBot.options.parse({ output }), { logger, clock: new ManualClock(1_700_000_000_000) });
      // The output file is opened by start(); a delivery before it would have nowhere to go.
      await bot.start(host);
      return {
        bot,
        started: true,
        received: (chat) => {
          const written = readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { target: string; text: string });
          const parts = written.filter((w) => w.target === `console:${chat}` || w.target.startsWith(`console:${chat}/`)).map((w) => plain(w.text));
          return { parts, overLimit: [], uploads: [] };
        },
        settled: async () => {},
        logs: () => lines.join(''),
        close: async () => {
          await bot.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    platform: 'telegram',
    chat: '-1001234567890',
    thread: ['-1001234567890/42', { chat: '-1001234567890', thread: '42' }],
    malformed: 'general',
    waive: {},
    async start({ badToken }) {
      const fake = new FakeTelegram({ tokens: [TELEGRAM_TOKEN], limits: false });
      fake.addChat({ id: -1001234567890, type: 'supergroup', forum: true, topics: [42] });
      await fake.start();
      const token = badToken ? '987654321:AAHnotthistokennotthistokennotthis1' : TELEGRAM_TOKEN;
      const { bot, logs } = telegramBot(fake.url, { token });
      return {
        bot,
        token,
        logs,
        received: (chat) => {
          const sent = fake.sentTo(chat);
          return {
            parts: sent.map((m) => fromTelegram(m.text, m.entities)),
            // Bot API: 4096 characters of text, 1024 of caption.
            overLimit: sent.filter((m) => m.text.length > (m.method === 'sendMessage' ? 4096 : 1024)).map((m) => `${m.method} of ${m.text.length} characters`),
            uploads: sent.flatMap((m) => (m.photo?.upload ? [m.photo.upload.data] : m.document && typeof m.document !== 'string' ? [m.document.data] : [])),
          };
        },
        unknownChat: () => '-1009999999999',
        rateLimitNext: (seconds) => fake.failNext('*', { status: 429, retryAfter: seconds }),
        settled: () => fake.waitFor(() => fake.heldPolls === 1, 5000, 'the bot to poll'),
        close: async () => {
          await bot.stop();
          await fake.stop();
        },
      };
    },
  },
  {
    platform: 'discord',
    chat: '400000000000000001',
    thread: ['400000000000000001/400000000000000777', { chat: '400000000000000001', thread: '400000000000000777' }],
    malformed: 'general',
    waive: {},
    async start({ badToken }) {
      const fake = new FakeDiscord();
      await fake.start();
      const token = badToken ? 'bm90LXRoaXMtdG9rZW4.not.this-discord-token-0000000000' : fake.token;
      const { bot, logs } = discordBot(fake, { token });
      return {
        bot,
        token,
        logs,
        received: (chat) => {
          const sent = fake.sent(chat);
          return {
            parts: sent.map((m) => joinSeen([fromDiscord(m.content ?? ''), ...m.embeds.map(discordEmbed)])),
            overLimit: sent.flatMap((m) => discordLimits(m.content ?? '', m.embeds)),
            uploads: sent.flatMap((m) => m.attachments.map((a) => a.data)),
          };
        },
        unknownChat: () => {
          fake.missing.add('400000000000000999');
          return '400000000000000999';
        },
        rateLimitNext: (seconds) => fake.failNext(/\/messages$/, { status: 429, retryAfter: seconds }),
        settled: () => bot.ready,
        close: async () => {
          await bot.stop();
          await fake.stop();
        },
      };
    },
  },
  {
    platform: 'slack',
    chat: 'C0OPS',
    thread: ['C0OPS/1700000000.000100', { chat: 'C0OPS', thread: '1700000000.000100' }],
    malformed: 'general',
    waive: {
      // docs.slack.dev "Formatting text": only & < > are control characters and can be escaped;
      // a `*x*` or `_x_` in a value is formatted by Slack and there is no escape for it.
      emphasis: 'mrkdwn has no escape for * and _',
    },
    async start({ badToken }) {
      const h = await slackHarness(badToken ? { token: 'xoxb-not-this-token-0000000000' } : {});
      return {
        bot: h.bot,
        token: badToken ? 'xoxb-not-this-token-0000000000' : h.fake.botToken,
        logs: h.logs,
        received: (chat) => {
          const sent = h.fake.messages.filter((m) => m.channel === chat);
          return {
            parts: sent.map((m) => (m.blocks ? joinSeen(m.blocks.map(slackBlock)) : fromMrkdwn(m.text ?? ''))),
            overLimit: sent.flatMap((m) => [...(m.blocks ? validateBlocks(m.blocks) : []), ...((m.text ?? '').length > SLACK_LIMITS.messageText ? ['text truncated'] : [])]),
            uploads: [...h.fake.files.values()].filter((f) => f.shared?.channel === chat && f.data).map((f) => f.data!),
          };
        },
        unknownChat: () => {
          h.fake.setChannel('C0GONE', 'missing');
          return 'C0GONE';
        },
        rateLimitNext: (seconds) => h.fake.failNext('chat.postMessage', { status: 429, retryAfter: seconds }),
        settled: async () => {},
        close: h.close,
      };
    },
  },
];

/** The checks a platform's declaration rules out, each with the reason. */
function waivedByCapabilities(c: Capabilities): Partial<Record<Check, string>> {
  const out: Partial<Record<Check, string>> = {};
  if (c.chats === 'fixed') out.parseChat = 'declares chats: fixed — the bot is its one chat, a target has no chat part';
  if (c.chats === 'fixed' || !c.threads) out.thread = 'declares no threads';
  if (c.markup === 'plain') out.formatting = 'declares markup: plain — markup is dropped, not converted';
  if (!Number.isFinite(c.text.max)) out.split = 'declares no text limit';
  if (c.images !== 'upload') out.image = `declares images: ${c.images} — it cannot upload bytes`;
  return out;
}

describe('the contract rows', () => {
  it('cover every registered platform', () => {
    expect(rows.map((r) => r.platform).sort()).toEqual(Object.keys(botModules).sort());
  });

  it('waive a check only with a reason', () => {
    for (const r of rows) for (const [check, why] of Object.entries(r.waive)) expect(why, `${r.platform}: ${check}`).toMatch(/\w{3,}.*\s\w/);
  });

  it.each([
    ['a robot webhook', { chats: 'fixed', dms: false, threads: false, markup: 'markdown', text: { max: 4096, unit: 'bytes' }, images: 'url', commands: false, secrets: ['key'] }, ['parseChat', 'thread', 'image']],
    ['a plain-text bot without limits', { chats: 'many', dms: true, threads: true, markup: 'plain', text: { max: Infinity, unit: 'chars' }, images: 'none', commands: false, secrets: [] }, ['formatting', 'split', 'image']],
    ['a full chat platform', { chats: 'many', dms: true, threads: true, markup: 'html', text: { max: 4096, unit: 'chars' }, images: 'upload', commands: true, secrets: ['token'] }, []],
  ] as [string, Capabilities, Check[]][])('derive the waivers of %s from its declaration', (_n, caps, want) => {
    expect(Object.keys(waivedByCapabilities(caps)).sort()).toEqual([...want].sort());
  });
});

function discordEmbed(e: any): Seen {
  const fields = (e.fields ?? []).map((f: any) => joinSeen([fromDiscord(f.name), fromDiscord(f.value)]));
  return joinSeen([fromDiscord(e.title ?? ''), fromDiscord(e.description ?? ''), ...fields, plain(e.footer?.text ?? '')]);
}

// discord.com/developers/docs/resources/message#embed-object-embed-limits
function discordLimits(content: string, embeds: any[]): string[] {
  const out: string[] = [];
  if (content.length > 2000) out.push(`content of ${content.length}`);
  if (embeds.length > 10) out.push(`${embeds.length} embeds`);
  if (embedChars(embeds) > 6000) out.push(`embeds of ${embedChars(embeds)} characters`);
  for (const e of embeds) {
    if ((e.title ?? '').length > 256) out.push('title over 256');
    if ((e.description ?? '').length > 4096) out.push('description over 4096');
    if ((e.fields ?? []).length > 25) out.push('over 25 fields');
    for (const f of e.fields ?? []) if (f.name.length > 256 || f.value.length > 1024) out.push(`field ${f.name} too long`);
  }
  return out;
}

function slackBlock(b: any): Seen {
  const obj = (t: any): Seen => (!t ? plain('') : t.type === 'plain_text' ? plain(t.text) : fromMrkdwn(t.text));
  return joinSeen([obj(b.text), ...(b.fields ?? []).map(obj), ...(b.elements ?? []).filter((e: any) => e.type !== 'image').map(obj)]);
}

const host: BotHost = { onCommand: async () => undefined, commands: () => [], mount: () => {} };

let n = 0;
const ctx = () => ({ signal: new AbortController().signal, key: `contract-${++n}` });
const group = (chat: string): ChatRef => ({ chat, kind: 'group' });

function message(over: Partial<Message> = {}): Message {
  return { body: [], fields: [], level: 'info', source: 'report', event: 'test', time: '2024-05-01T12:00:00Z', silent: false, ...over };
}

/** Counts the times `needle` occurs in `hay`. */
const count = (hay: string, needle: string) => hay.split(needle).length - 1;

// Values from a payload, escaped into a template: they must arrive as they were, formatting nothing.
const TAGS = '<b>v1</b> & [v4](https://evil.example/) <!channel> <@U0ALL>';
const EMPHASIS = '*v2* _v3_ **v5** `v6`';
const LINK = 'https://example.com/x?a=1&b=2';

describe.each(rows)('the $platform adapter', (row) => {
  let env: Started | undefined;
  const start = async (opts: { badToken?: boolean } = {}) => (env = await row.start(opts));
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });
  const waived = { ...waivedByCapabilities(botModules[row.platform]!.capabilities), ...row.waive };
  const skip = (check: Check) => waived[check] !== undefined;

  describe.skipIf(skip('parseChat'))('parseChat', () => {
    it('parses a chat', async () => {
      const { bot } = await start();
      expect(bot.parseChat(row.chat)).toEqual({ chat: row.chat });
    });

    it.skipIf(skip('thread'))('parses a chat with a thread', async () => {
      const { bot } = await start();
      expect(bot.parseChat(row.thread[0])).toEqual(row.thread[1]);
    });

    it('refuses a malformed chat with an error that says what to write', async () => {
      const { bot } = await start();
      let err: unknown;
      try {
        bot.parseChat(row.malformed);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(`'${row.malformed}'`);
      expect((err as Error).message).toMatch(/\buse\b.*\d/);
    });
  });

  describe('send', () => {
    it('delivers a title, markup and fields as one readable message', async () => {
      const { bot, received } = await start();
      const body = parseMarkup(`**bold** then _italic_ then \`code\` & <done>, see [a link](${LINK})`);
      const res = await bot.send(group(row.chat), message({ title: 'Nightly <backup> & co', body, fields: [{ name: 'Host <h>', value: 'db-1 & <primary>' }] }), ctx());
      const { parts } = received(row.chat);
      expect(parts).toHaveLength(1);
      expect(res.messageIds?.length).toBeGreaterThan(0);
      const { text, runs } = parts[0]!;
      expect(text).toContain('Nightly <backup> & co');
      expect(text).toContain('bold then italic then code & <done>, see a link');
      expect(text).toContain('Host <h>');
      expect(text).toContain('db-1 & <primary>');
      // The link's address reaches the reader, as a link or in the text.
      expect([text, ...runs.map((r) => r.url)].join(' ')).toContain(LINK);
    });

    it.skipIf(skip('formatting'))('turns the markup into the platform’s own formatting', async () => {
      const { bot, received } = await start();
      await bot.send(group(row.chat), message({ body: parseMarkup(`**bold** then _italic_ then \`code\` then [a link](${LINK})`) }), ctx());
      const { runs } = received(row.chat).parts[0]!;
      expect(runs).toContainEqual({ kind: 'bold', text: 'bold' });
      expect(runs).toContainEqual({ kind: 'italic', text: 'italic' });
      expect(runs).toContainEqual({ kind: 'code', text: 'code' });
      expect(runs).toContainEqual({ kind: 'link', text: 'a link', url: LINK });
    });

    it('keeps < & > and link syntax in a value from making tags, links or mentions', async () => {
      const { bot, received } = await start();
      const msg = message({ title: TAGS, body: parseMarkup(`value: ${escapeMarkup(TAGS)}`), fields: [{ name: 'field', value: TAGS }] });
      await bot.send(group(row.chat), msg, ctx());
      const { text, runs } = received(row.chat).parts[0]!;
      expect(text).toContain(`value: ${TAGS}`);
      expect(count(text, TAGS)).toBe(3);
      expect(runs.filter((r) => r.kind === 'link' || r.kind === 'mention')).toEqual([]);
      expect(runs.filter((r) => /v1|v4/.test(r.text) && !r.text.includes(TAGS))).toEqual([]);
    });

    it.skipIf(skip('emphasis'))('keeps * _ and ` in a value from formatting', async () => {
      const { bot, received } = await start();
      const msg = message({ title: EMPHASIS, body: parseMarkup(`value: ${escapeMarkup(EMPHASIS)}`), fields: [{ name: 'field', value: EMPHASIS }] });
      await bot.send(group(row.chat), msg, ctx());
      const { text, runs } = received(row.chat).parts[0]!;
      expect(text).toContain(`value: ${EMPHASIS}`);
      expect(count(text, EMPHASIS)).toBe(3);
      // The title may be shown bold as a whole; nothing inside a value is formatted on its own.
      expect(runs.filter((r) => /v[2356]/.test(r.text) && !r.text.includes(EMPHASIS))).toEqual([]);
    });

    it('splits a long text at the platform’s limits, in order, losing nothing', async () => {
      const { bot, received } = await start();
      const lines = Array.from({ length: 600 }, (_, i) => `line ${i} **bold ${i}** <&> ${'x'.repeat(50)}`);
      const res = await bot.send(group(row.chat), message({ title: 'Log', body: parseMarkup(lines.join('\n')) }), ctx());
      const { parts, overLimit } = received(row.chat);
      if (!skip('split')) expect(parts.length).toBeGreaterThan(1);
      expect(overLimit).toEqual([]);
      expect(res.messageIds).toHaveLength(parts.length);
      // A part may end mid-line and trim the space it was cut at: compare without whitespace.
      const squash = (s: string) => s.replace(/\s+/g, '');
      const all = squash(parts.map((p) => p.text).join(''));
      let at = all.indexOf('Log');
      expect(at).toBeGreaterThanOrEqual(0);
      for (const l of lines) {
        const next = all.indexOf(squash(l.replace(/\*\*/g, '')), at);
        expect(next, `${l} arrives after the line before it`).toBeGreaterThan(at);
        at = next;
      }
    });

    it.skipIf(skip('image'))('uploads image bytes as the platform’s image', async () => {
      const { bot, received } = await start();
      const res = await bot.send(group(row.chat), message({ title: 'Chart', body: parseMarkup('see the chart'), image: { data: PNG, mime: 'image/png', filename: 'chart.png' } }), ctx());
      const got = received(row.chat);
      expect(got.uploads).toHaveLength(1);
      expect(got.uploads[0]!.equals(PNG)).toBe(true);
      expect(got.parts.map((p) => p.text).join('\n')).toContain('see the chart');
      expect(res.messageIds?.length).toBeGreaterThan(0);
    });
  });

  describe('send failures', () => {
    it.skipIf(skip('unknownChat'))('gives up on a chat the platform does not know, saying so', async () => {
      const env = await start();
      const chat = env.unknownChat!();
      const e = await failure(env.bot.send(group(chat), message({ body: parseMarkup('x') }), ctx()));
      expect(e).toMatchObject({ retryable: false, unhealthy: false });
      expect(e.message).toMatch(/chat|channel/i);
    });

    it.skipIf(skip('rateLimit'))('hands a 429 back as retryable after the platform’s wait', async () => {
      const env = await start();
      env.rateLimitNext!(7);
      const e = await failure(env.bot.send(group(row.chat), message({ body: parseMarkup('x') }), ctx()));
      expect(e).toMatchObject({ retryable: true, unhealthy: false });
      expect(e.retryAfterMs).toBeGreaterThanOrEqual(7000);
      expect(e.retryAfterMs).toBeLessThan(8000);
    });

    it.skipIf(skip('badToken'))('marks itself unhealthy when the platform refuses its token, keeping the token out of errors and logs', async () => {
      const env = await start({ badToken: true });
      const e = await failure(env.bot.send(group(row.chat), message({ body: parseMarkup('x') }), ctx()));
      expect(e.unhealthy).toBe(true);
      expect(env.bot.health().state).toBe('unhealthy');
      expect(e.message).not.toContain(env.token!);
      expect(String(e.cause ?? '')).not.toContain(env.token!);
      expect(env.logs()).not.toContain(env.token!);
    });
  });

  it('is ok once started and stopped once stop resolves', async () => {
    const env = await start();
    if (!env.started) await env.bot.start(host);
    await env.settled();
    expect(env.bot.health().state).toBe('ok');
    await expect(env.bot.stop()).resolves.toBeUndefined();
    expect(env.bot.health().state).toBe('stopped');
  });
});

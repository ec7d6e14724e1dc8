// What Slack sends the app, whichever way it came (a Socket Mode envelope or an HTTP-mode request):
// slash commands and `app_mention` events become ChatCommands; everything else is acknowledged and
// left alone. Each delivery is acknowledged exactly once, as Slack requires within 3 s.
import type { Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { BotHost, ChatCommand, Reply } from '../../src/bot.js';
import { after, type Clock } from '../../src/clock.js';
import { builtinCommands } from '../../src/commands/builtin/index.js';
import type { HttpClient } from '../../src/kit/http-client.js';
import { mentionToCommand, replyMrkdwn, replyPayload, slashToCommand, type MentionEvent, type SlashCommandFields } from './commands.js';

export interface ReceiverSetup {
  botId: string;
  /** The bot's own user and bot ids (auth.test): its own messages are not commands. */
  botUserId: string;
  slackBotId?: string;
  /** The bot-token client: answers to mentions are posted with it. */
  client: WebClient;
  /** Posts a late answer to a slash command's response_url (through the proxy, when there is one). */
  fetch: HttpClient;
  /** Timeout of a response_url post. */
  timeoutMs: number;
  logger: SlackLogger;
  /** The main slash command, e.g. `/hookbot`. */
  command: string;
  host: BotHost;
  /** Slack wants a slash command acknowledged within 3 s; a slower answer goes to response_url. */
  ackWithinMs: number;
  /** Times ackWithinMs (the bot's clock, so a test moves it instead of waiting). */
  clock: Clock;
}

/** The acknowledgement of one delivery; its payload is a slash command's immediate answer. */
export type Ack = (payload?: Record<string, unknown>) => Promise<void>;

/**
 * One delivery: `slash_commands`, `events_api` (an Events API `event_callback`) or `interactive`,
 * the envelope types of Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode).
 */
export interface Incoming {
  type: string;
  body: Record<string, unknown>;
  ack: Ack;
}

/** Handles one delivery; never rejects (a failure is logged, and the delivery acknowledged). */
export async function receive(s: ReceiverSetup, inc: Incoming): Promise<void> {
  let acked = false;
  const ack: Ack = async (payload) => {
    if (acked) return;
    acked = true;
    await inc.ack(payload);
  };
  try {
    if (inc.type === 'slash_commands') return await slashCommand(s, inc.body as unknown as SlashCommandFields & { response_url?: string }, ack);
    // Events are acknowledged before they are handled: Slack retries an event not acked in 3 s.
    await ack();
    const event = inc.body.event as (MentionEvent & { type?: string; bot_id?: string }) | undefined;
    if (inc.type === 'events_api' && event?.type === 'app_mention') await appMention(s, event);
  } catch (e) {
    s.logger.error(`slack: handling ${inc.type} failed: ${(e as Error).message}`);
  } finally {
    await ack().catch(() => undefined);
  }
}

async function run(s: ReceiverSetup, cmd: ChatCommand): Promise<Reply | undefined> {
  try {
    return await s.host.onCommand(cmd);
  } catch (e) {
    s.logger.error(`slack command ${cmd.name} failed: ${(e as Error).message}`);
    return { text: 'Sorry, that command failed. The error is in the hookbot log.', ephemeral: true };
  }
}

/** Every command name a reply may mention, to write it the Slack way (`/hookbot status`). */
function commandNames(s: ReceiverSetup): string[] {
  return [...builtinCommands.map((c) => c.name), ...s.host.commands().map((c) => c.name)];
}

async function slashCommand(s: ReceiverSetup, body: SlashCommandFields & { response_url?: string }, ack: Ack): Promise<void> {
  const cmd = typeof body.command === 'string' && typeof body.user_id === 'string' && typeof body.channel_id === 'string' ? slashToCommand(s.botId, s.command, body) : undefined;
  if (!cmd) {
    await ack({ response_type: 'ephemeral', text: `Usage: ${s.command} <command> [arguments], e.g. ${s.command} help` });
    return;
  }
  const pending = run(s, cmd);
  let cancel!: () => void;
  const late = new Promise<'late'>((r) => (cancel = after(s.clock, s.ackWithinMs, () => r('late'))));
  const first = await Promise.race([pending.then((reply) => ({ reply })), late]);
  cancel();
  if (first !== 'late') {
    await ack(first.reply ? replyPayload(first.reply, s.command, commandNames(s)) : undefined);
    return;
  }
  await ack();
  const reply = await pending;
  if (reply && body.response_url) await respond(s, body.response_url, replyPayload(reply, s.command, commandNames(s)));
}

// docs.slack.dev/interactivity/handling-user-interaction#message_responses: a JSON POST to the URL.
async function respond(s: ReceiverSetup, url: string, payload: Record<string, unknown>): Promise<void> {
  const res = await s.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(s.timeoutMs),
  });
  res.body.resume();
  // The URL holds a secret of its own: the status only.
  if (!res.ok) throw new Error(`the late answer was refused: HTTP ${res.status} from response_url`);
}

async function appMention(s: ReceiverSetup, e: MentionEvent & { bot_id?: string }): Promise<void> {
  // The bot's own messages (its answers quote commands) are not commands to it.
  if (e.user === s.botUserId || (s.slackBotId && e.bot_id === s.slackBotId)) return;
  const cmd = mentionToCommand(s.botId, s.botUserId, e);
  if (!cmd) return;
  const reply = await run(s, cmd);
  if (!reply) return;
  const text = replyMrkdwn(reply, s.command, commandNames(s));
  // Answer in the mention's thread, so a channel is not filled with bot chatter.
  const thread_ts = e.thread_ts ?? e.ts;
  if (reply.ephemeral) await s.client.chat.postEphemeral({ channel: e.channel, user: e.user!, text, thread_ts });
  else await s.client.chat.postMessage({ channel: e.channel, text, thread_ts });
}

// Commands in with Bolt: Socket Mode (an outbound WebSocket, no public URL) or HTTP mode (Bolt's
// HTTPReceiver on hookbot's own Koa server, which checks the v0 signature and the 5-minute window).
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger as SlackLogger } from '@slack/logger';
import type { Dispatcher } from 'undici';
import type { BotHost, ChatCommand, HttpMount, Reply } from '../../src/bot.js';
import { builtinCommands } from '../../src/commands/builtin/index.js';
import { mentionToCommand, replyMrkdwn, replyPayload, slashToCommand } from './commands.js';
import { SocketLink, type SocketLinkOptions } from './socket-link.js';

export interface ReceiverSetup {
  botId: string;
  token: string;
  botUserId: string;
  slackBotId?: string;
  clientOptions: WebClientOptions;
  logger: SlackLogger;
  /** The main slash command, e.g. `/hookbot`. */
  command: string;
  host: BotHost;
  /** Slack wants a slash command acknowledged within 3 s; a slower answer goes to response_url. */
  ackWithinMs: number;
}

function newApp(s: ReceiverSetup, receiver: SocketModeReceiver | HTTPReceiver): App {
  return new App({
    token: s.token,
    receiver,
    clientOptions: s.clientOptions,
    logger: s.logger,
    logLevel: LogLevel.INFO,
    // We already called auth.test; Bolt need not call it again.
    tokenVerificationEnabled: false,
    botId: s.slackBotId,
    botUserId: s.botUserId,
    ...(receiver instanceof SocketModeReceiver ? { socketMode: true } : {}),
  });
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

function register(app: App, s: ReceiverSetup): void {
  app.command(/^\/.+/, async ({ command, ack, respond }) => {
    const cmd = slashToCommand(s.botId, s.command, command);
    if (!cmd) {
      await ack({ response_type: 'ephemeral', text: `Usage: ${s.command} <command> [arguments], e.g. ${s.command} help` });
      return;
    }
    const pending = run(s, cmd);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), s.ackWithinMs)));
    const first = await Promise.race([pending.then((reply) => ({ reply })), late]);
    clearTimeout(timer);
    if (first !== 'late') {
      await ack(first.reply ? replyPayload(first.reply, s.command, commandNames(s)) : undefined);
      return;
    }
    await ack();
    const reply = await pending;
    if (reply) await respond(replyPayload(reply, s.command, commandNames(s)));
  });

  app.event('app_mention', async ({ event, client }) => {
    const e = event as { text: string; user?: string; channel: string; ts: string; thread_ts?: string };
    const cmd = mentionToCommand(s.botId, s.botUserId, e);
    if (!cmd) return;
    const reply = await run(s, cmd);
    if (!reply) return;
    const text = replyMrkdwn(reply, s.command, commandNames(s));
    // Answer in the mention's thread, so a channel is not filled with bot chatter.
    const thread_ts = e.thread_ts ?? e.ts;
    if (reply.ephemeral) await client.chat.postEphemeral({ channel: e.channel, user: e.user!, text, thread_ts });
    else await client.chat.postMessage({ channel: e.channel, text, thread_ts });
  });

  app.error(async (err) => {
    s.logger.error(`slack: ${err.message}`);
  });
}

/** Socket Mode: an outbound WebSocket to Slack, kept up by the returned link (call `link.start()`). */
export function socketMode(s: ReceiverSetup, appToken: string, link: SocketLinkOptions, dispatcher?: Dispatcher): { app: App; link: SocketLink } {
  const receiver = new SocketModeReceiver({
    appToken,
    logger: s.logger,
    logLevel: LogLevel.INFO,
    // SocketLink reconnects instead: the library's own loop gives up on the first network error.
    autoReconnectEnabled: false,
    // App copies clientOptions here for apps.connections.open; the dispatcher carries the WebSocket through a proxy.
    installerOptions: { clientOptions: s.clientOptions },
    ...(dispatcher ? { dispatcher: dispatcher as never } : {}),
  });
  const app = newApp(s, receiver);
  register(app, s);
  return { app, link: new SocketLink(receiver.client, link) };
}

/** HTTP mode: the route to mount on hookbot's server. Slack must be able to reach it. */
export function httpMode(s: ReceiverSetup, signingSecret: string, path: string, stopped: () => boolean): { app: App; mount: HttpMount } {
  const receiver = new HTTPReceiver({ signingSecret, endpoints: [path], logger: s.logger, logLevel: LogLevel.INFO });
  const app = newApp(s, receiver);
  register(app, s);
  const mount: HttpMount = {
    method: 'POST',
    path,
    handler: async (ctx) => {
      if (stopped()) {
        ctx.status = 503;
        return;
      }
      // Bolt reuses a Buffer in req.rawBody instead of reading the (already read) stream.
      const raw = ctx.state.rawBody as Buffer | undefined;
      if (Buffer.isBuffer(raw)) (ctx.req as { rawBody?: Buffer }).rawBody = raw;
      ctx.respond = false;
      const done = new Promise<void>((resolve) => {
        ctx.res.once('finish', resolve);
        ctx.res.once('close', resolve);
      });
      receiver.requestListener(ctx.req, ctx.res);
      await done;
    },
  };
  return { app, mount };
}

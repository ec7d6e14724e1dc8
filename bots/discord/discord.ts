// The Discord bot: notices as embeds through @discordjs/rest, slash commands through the discord.js
// gateway client (Guilds intent only, no privileged intents) or an HTTP interactions endpoint.
import { REST, type RESTOptions } from '@discordjs/rest';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { Routes, type APIInteraction, type RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { BotAdapter, BotDeps, BotHealth, BotHost, BotModule, ChatRef, CommandInfo, SendContext, SendResult } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { toDiscordMessages } from './embeds.js';
import { masker, toDeliveryError } from './errors.js';
import { interactionsEndpoint } from './http.js';
import { answerInteraction, type Responder } from './interactions.js';
import { discordOptions, type DiscordOptions } from './options.js';
import { proxyDispatcher } from './proxy.js';
import { publicKeyFromHex } from './signature.js';

const SNOWFLAKE = /^\d{17,20}$/;

/** Slash-command definitions: every command takes its arguments as one optional string, `args`. */
export function slashCommands(list: CommandInfo[]): RESTPutAPIApplicationCommandsJSONBody {
  return list.map((c) => ({
    name: c.name,
    type: 1,
    description: (c.description || c.name).slice(0, 100),
    options: [{ type: 3, name: 'args', description: (c.usage || 'arguments').slice(0, 100), required: false }],
    // Usable in servers, in the bot's DMs and in group DMs.
    contexts: [0, 1, 2],
    integration_types: [0],
  }));
}

export class DiscordBot implements BotAdapter {
  readonly platform = 'discord';
  readonly rest: REST;
  private client?: Client;
  private state: BotHealth;
  private readonly dms = new Map<string, Promise<string>>();
  private readonly mask: (t: string) => string;
  private readonly restOptions: Partial<RESTOptions>;
  /** Resolves when the gateway is ready (gateway mode), for tests and the start-up log. */
  ready: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    private readonly opts: DiscordOptions,
    private readonly deps: BotDeps,
  ) {
    if (opts.interactions === 'http' && !opts.publicKey) {
      throw new Error(`bots.${id}.publicKey: required with interactions: http (Developer Portal → General Information → Public Key)`);
    }
    this.mask = masker(opts.token);
    this.restOptions = {
      api: opts.apiRoot,
      version: '10',
      timeout: opts.timeoutMs,
      // The worker owns retries and backoff; a 429 is handed to it with the wait (see errors.ts).
      retries: 0,
      rejectOnRateLimit: (d) => d.route.startsWith('/channels') || d.route.startsWith('/users'),
      ...(opts.proxy ? { agent: proxyDispatcher(opts.proxy, opts.timeoutMs)! } : {}),
    };
    this.rest = new REST(this.restOptions).setToken(opts.token);
    this.state = this.health0('starting');
  }

  private health0(state: BotHealth['state'], reason?: string): BotHealth {
    return { state, ...(reason ? { reason } : {}), since: new Date(this.deps.clock.now()).toISOString() };
  }

  parseChat(raw: string): { chat: string; thread?: string } {
    const [chat, thread, extra] = raw.split('/');
    if (!chat || !SNOWFLAKE.test(chat) || (thread !== undefined && !SNOWFLAKE.test(thread)) || extra !== undefined) {
      throw new Error(`'${raw}' is not a Discord chat: use a channel or user id (17-20 digits), or <channel>/<thread> — /whoami shows them`);
    }
    return thread ? { chat, thread } : { chat };
  }

  async send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    try {
      const channel = to.kind === 'user' ? await this.dmChannel(to.chat, ctx.signal) : (to.thread ?? to.chat);
      const ids: string[] = [];
      for (const m of toDiscordMessages(msg, ctx.key)) {
        const res = (await this.rest.post(Routes.channelMessages(channel), { body: m.body, files: m.files, signal: ctx.signal })) as { id: string };
        ids.push(res.id);
      }
      if (this.state.state === 'unhealthy') this.state = this.health0('ok');
      return { messageIds: ids };
    } catch (e) {
      const err = toDeliveryError(e, this.mask);
      if (err.unhealthy) this.state = this.health0('unhealthy', err.message);
      throw err;
    }
  }

  /** The DM channel with a user: opened once (POST /users/@me/channels), then cached. */
  private dmChannel(user: string, signal: AbortSignal): Promise<string> {
    let p = this.dms.get(user);
    if (!p) {
      p = this.rest.post(Routes.userChannels(), { body: { recipient_id: user }, signal }).then((c) => (c as { id: string }).id);
      this.dms.set(user, p);
      p.catch(() => this.dms.delete(user));
    }
    return p;
  }

  async start(host: BotHost): Promise<void> {
    const log = this.deps.logger;
    const run = (i: APIInteraction, respond?: (b: any) => void) =>
      answerInteraction(this.id, i, host, this.responder(i, respond), (e) => log.warn({ bot: this.id, err: this.mask(String(e)) }, 'discord: could not finish an interaction reply'));

    if (this.opts.interactions === 'http') {
      const path = this.id === 'discord' ? '/discord/interactions' : `/discord/interactions/${this.id}`;
      const key = publicKeyFromHex(this.opts.publicKey!);
      host.mount({ method: 'POST', path, handler: interactionsEndpoint(key, this.deps.clock, (i, respond) => run(i, respond), (e) => log.warn({ bot: this.id, err: this.mask(String(e)) }, 'discord: interaction failed')) });
      log.info({ bot: this.id, path }, 'discord: HTTP interactions endpoint mounted; set it as the Interactions Endpoint URL in the Developer Portal');
    }

    await this.registerCommands(host.commands());

    if (this.opts.interactions === 'gateway') {
      // Only the Guilds intent: slash commands arrive without the privileged Message Content intent.
      const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { ...this.restOptions, rejectOnRateLimit: null } });
      this.client = client;
      client.ws.on('INTERACTION_CREATE' as any, (i: APIInteraction) => void run(i).catch((e) => log.warn({ bot: this.id, err: this.mask(String(e)) }, 'discord: interaction failed')));
      client.on(Events.Error, (e) => log.warn({ bot: this.id, err: this.mask(e.message) }, 'discord: gateway error'));
      this.ready = new Promise<void>((resolve) => {
        client.once(Events.ClientReady, (c) => {
          if (this.state.state !== 'unhealthy') this.state = this.health0('ok');
          log.info({ bot: this.id, user: c.user.tag }, 'discord: gateway ready');
          resolve();
        });
      });
      client.login(this.opts.token).catch((e: Error) => {
        this.state = this.health0('unhealthy', `gateway login failed: ${this.mask(e.message)}`);
        log.error({ bot: this.id, err: this.mask(e.message) }, 'discord: gateway login failed: check the bot token');
      });
    } else if (this.state.state !== 'unhealthy') this.state = this.health0('ok');
  }

  private async registerCommands(list: CommandInfo[]) {
    const route = this.opts.guildId ? Routes.applicationGuildCommands(this.opts.applicationId, this.opts.guildId) : Routes.applicationCommands(this.opts.applicationId);
    try {
      await this.rest.put(route, { body: slashCommands(list) });
      this.deps.logger.info({ bot: this.id, commands: list.length, scope: this.opts.guildId ? 'guild' : 'global' }, 'discord: slash commands registered');
    } catch (e) {
      const err = toDeliveryError(e, this.mask);
      if (err.unhealthy) this.state = this.health0('unhealthy', err.message);
      this.deps.logger.warn({ bot: this.id, err: err.message }, 'discord: could not register slash commands');
    }
  }

  /** Where interaction answers go: the HTTP response (http mode) or the callback route, then webhooks. */
  private responder(i: APIInteraction, respond?: (b: any) => void): Responder {
    const app = this.opts.applicationId;
    // Interaction routes authenticate with the interaction token in the path, not the bot token.
    return {
      respond: async (body) => {
        if (respond) respond(body);
        else await this.rest.post(Routes.interactionCallback(i.id, i.token), { body, auth: false });
      },
      editOriginal: async (body) => void (await this.rest.patch(Routes.webhookMessage(app, i.token, '@original'), { body, auth: false })),
      followUp: async (body) => void (await this.rest.post(Routes.webhook(app, i.token), { body, auth: false })),
    };
  }

  async stop(): Promise<void> {
    await this.client?.destroy();
    this.client = undefined;
    this.rest.clearHashSweeper();
    this.rest.clearHandlerSweeper();
    this.state = this.health0('stopped');
  }

  health(): BotHealth {
    return this.state;
  }
}

export const discordBot: BotModule<DiscordOptions> = {
  platform: 'discord',
  options: discordOptions,
  // Discord tells its limits in X-RateLimit-* headers; the REST client follows them and a 429 comes
  // back to the worker as retryAfterMs. Channels allow about 5 messages per 5 s, so pace a little.
  limits: { group: { count: 5, perMs: 5000 }, user: { count: 5, perMs: 5000 } },
  create: (id, opts, deps) => new DiscordBot(id, opts, deps),
};

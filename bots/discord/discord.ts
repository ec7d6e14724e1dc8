// The Discord bot: notices as embeds through @discordjs/rest, slash commands through the gateway
// (@discordjs/ws, Guilds intent only, no privileged intents) or an HTTP interactions endpoint.
import { REST, type RESTOptions } from '@discordjs/rest';
import { Routes, type APIInteraction } from 'discord-api-types/v10';
import type { BotAdapter, BotDeps, BotHealth, BotHost, BotModule, ChatRef, SendContext, SendResult } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { toDiscordMessages } from './embeds.js';
import { masker, toDeliveryError } from './errors.js';
import { GatewayConnection } from './gateway.js';
import type { Backoff } from '../../src/kit/backoff.js';
import { Health } from '../../src/kit/health.js';
import { secretValues } from '../../src/kit/secrets.js';
import { interactionsEndpoint } from './http.js';
import { answerInteraction, type Responder } from './interactions.js';
import type { DiscordOptions } from './options.js';
import { discordPlatform, parseDiscordChat } from './platform.js';
import { proxyAgent } from '../../src/kit/proxy.js';
import { httpClient } from '../../src/kit/http-client.js';
import { CommandRegistration } from './register.js';
import { publicKeyFromHex } from './signature.js';

export { slashCommands } from './register.js';


export class DiscordBot implements BotAdapter {
  readonly platform = 'discord';
  readonly rest: REST;
  private gateway?: GatewayConnection;
  private registration?: CommandRegistration;
  private readonly state: Health;
  private readonly dms = new Map<string, Promise<string>>();
  private readonly mask: (t: string) => string;
  private readonly restOptions: Partial<RESTOptions>;
  /** Resolves when the gateway is ready (gateway mode), for tests and the start-up log. */
  ready: Promise<void> = Promise.resolve();
  /** Waits before trying a failed gateway login or command registration again (tests shorten it). */
  backoff: Backoff = { firstMs: 5_000, maxMs: 300_000 };

  constructor(
    readonly id: string,
    private readonly opts: DiscordOptions,
    private readonly deps: BotDeps,
  ) {
    if (opts.interactions === 'http' && !opts.publicKey) {
      throw new Error(`bots.${id}.publicKey: required with interactions: http (Developer Portal → General Information → Public Key)`);
    }
    this.mask = masker(secretValues(opts, discordPlatform.capabilities.secrets));
    this.restOptions = {
      api: opts.apiRoot,
      version: '10',
      timeout: opts.timeoutMs,
      // The worker owns retries and backoff; a 429 is handed to it with the wait (see errors.ts).
      retries: 0,
      // Command registration too: a long wait there must not hold up start-up (see register.ts).
      rejectOnRateLimit: (d) => d.route.startsWith('/channels') || d.route.startsWith('/users') || d.route.startsWith('/applications'),
      // The kit's client (through the proxy when there is one), not @discordjs/rest's default,
      // undici's request(): the bundle leaves the undici package out (scripts/bundle.mjs).
      makeRequest: httpClient({ proxy: opts.proxy }) as unknown as RESTOptions['makeRequest'],
    };
    this.rest = new REST(this.restOptions).setToken(opts.token);
    this.state = new Health(deps.clock);
  }

  parseChat(raw: string): { chat: string; thread?: string } {
    return parseDiscordChat(raw);
  }

  async send(to: ChatRef, msg: Message, ctx: SendContext): Promise<SendResult> {
    try {
      const channel = to.kind === 'user' ? await this.dmChannel(to.chat, ctx.signal) : (to.thread ?? to.chat);
      const ids: string[] = [];
      for (const m of toDiscordMessages(msg, ctx.key)) {
        // A signal of its own per request: @discordjs/rest adds an abort listener to the signal it is given
        // and never removes it, so a notice split into many messages would pile them up on one signal.
        const signal = AbortSignal.any([ctx.signal]);
        const res = (await this.rest.post(Routes.channelMessages(channel), { body: m.body, files: m.files, signal })) as { id: string };
        ids.push(res.id);
      }
      if (this.state.state === 'unhealthy') this.state.ok();
      return { messageIds: ids };
    } catch (e) {
      const err = toDeliveryError(e, this.mask);
      if (err.unhealthy) this.state.unhealthy(err.message);
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

    this.registration = new CommandRegistration(this.rest, { applicationId: this.opts.applicationId, guildId: this.opts.guildId }, {
      registered: (n) => log.info({ bot: this.id, commands: n, scope: this.opts.guildId ? 'guild' : 'global' }, 'discord: slash commands registered'),
      retrying: (reason, inMs) => log.warn({ bot: this.id, err: reason, retryInMs: inMs }, 'discord: could not register slash commands yet; will try again'),
      failed: (err) => {
        if (err.unhealthy) this.state.unhealthy(err.message);
        log.warn({ bot: this.id, err: err.message }, 'discord: could not register slash commands');
      },
    }, this.backoff, this.mask);
    await this.registration.run(host.commands());

    if (this.opts.interactions === 'gateway') {
      let resolveReady!: () => void;
      this.ready = new Promise<void>((r) => (resolveReady = r));
      this.gateway = new GatewayConnection(this.opts.token, this.restOptions, {
        interaction: (i) => void run(i).catch((e) => log.warn({ bot: this.id, err: this.mask(String(e)) }, 'discord: interaction failed')),
        ready: (tag) => {
          if (this.state.state !== 'unhealthy') this.state.ok();
          log.info({ bot: this.id, user: tag }, 'discord: gateway ready');
          resolveReady();
        },
        retrying: (reason, inMs) => {
          // Deliveries go over REST and may well work: the bot is not unhealthy, its commands are late.
          this.state.retrying(`${reason}; retrying in ${Math.round(inMs / 1000)} s`);
          log.warn({ bot: this.id, err: reason, retryInMs: inMs }, 'discord: gateway not connected; will try again');
        },
        fatal: (reason) => {
          this.state.unhealthy(reason);
          log.error({ bot: this.id, err: reason }, 'discord: gateway stopped; slash commands are off until the config is fixed');
        },
        error: (reason) => log.warn({ bot: this.id, err: reason }, 'discord: gateway error'),
      }, this.backoff, this.mask, this.opts.proxy ? proxyAgent(this.opts.proxy) : undefined);
      this.gateway.start();
    } else if (this.state.state !== 'unhealthy') this.state.ok();
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
      deleteOriginal: async () => void (await this.rest.delete(Routes.webhookMessage(app, i.token, '@original'), { auth: false })),
      followUp: async (body) => void (await this.rest.post(Routes.webhook(app, i.token), { body, auth: false })),
    };
  }

  async stop(): Promise<void> {
    this.registration?.stop();
    await this.gateway?.stop();
    this.gateway = undefined;
    this.rest.clearHashSweeper();
    this.rest.clearHandlerSweeper();
    this.state.stopped();
  }

  health(): BotHealth {
    return this.state.get();
  }
}

export const discordBot: BotModule<DiscordOptions> = {
  ...discordPlatform,
  create: (id, opts, deps) => new DiscordBot(id, opts, deps),
};

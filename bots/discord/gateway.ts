// The gateway connection that brings slash commands in (Guilds intent only: no privileged intents
// are needed for interactions), on @discordjs/ws — the gateway client inside discord.js, without the
// caches and structures of discord.js (a third of hookbot's start-up and memory, for one event).
// It reconnects and resumes a live connection by itself, but a login that fails (network not up yet
// at boot, a Discord outage, a 5xx on GET /gateway/bot) is final for it: here it is tried again with
// backoff, so commands come back without a restart. A refused token (401, close code 4004) or refused
// intents stop it for good: the bot is unhealthy until fixed.
// With a proxy, the gateway's WebSocket goes through it too (src/kit/ws-proxy.ts says how).
import type { Agent } from 'node:http';
import { REST, DiscordAPIError, type RESTOptions } from '@discordjs/rest';
import type { SessionInfo, WebSocketManager as Manager } from '@discordjs/ws';
import { GatewayDispatchEvents, GatewayIntentBits, type APIInteraction, type APIUser } from 'discord-api-types/v10';

import { backoffDelay, type Backoff } from '../../src/kit/backoff.js';
import { requireWithWsProxy, withWsAgent, withoutWsAgent } from '../../src/kit/ws-proxy.js';

// Loaded here, after the patch, and never imported: the library reads the WebSocket class as it loads.
const { WebSocketManager, WebSocketShardEvents } = requireWithWsProxy<typeof import('@discordjs/ws')>('@discordjs/ws');

export interface GatewayEvents {
  interaction(i: APIInteraction): void;
  ready(userTag: string): void;
  /** The login failed for a reason a later attempt may not have; the next one is in `inMs`. */
  retrying(reason: string, inMs: number): void;
  /** It cannot work until the config changes (token, intents). */
  fatal(reason: string): void;
  error(reason: string): void;
}

// Gateway close codes after which the gateway client gives up (developers/topics/opcodes-and-status-codes.mdx).
const CLOSE_REASONS: Record<number, string> = {
  4004: 'the gateway refused the bot token (4004): put the current one in the config',
  4010: 'invalid shard (4010)',
  4011: 'sharding required (4011): the bot is in too many servers for one connection',
  4012: 'invalid gateway version (4012)',
  4013: 'invalid intents (4013)',
  4014: 'disallowed intents (4014): hookbot needs only the Guilds intent; check the Developer Portal',
};

/** A user as discord.js showed it: `name#1234`, or the name alone for the new unique names. */
function tag(u: APIUser): string {
  return u.discriminator && u.discriminator !== '0' ? `${u.username}#${u.discriminator}` : u.username;
}

export class GatewayConnection {
  private manager?: Manager;
  private timer?: NodeJS.Timeout;
  private attempt = 0;
  private stopped = false;
  // This connection's own sessions, by shard. The library's default store is one per process, keyed
  // by shard id only: a second Discord bot would try to resume the first one's session, at its host.
  private readonly sessions = new Map<number, SessionInfo>();

  constructor(
    private readonly token: string,
    private readonly rest: Partial<RESTOptions>,
    private readonly on: GatewayEvents,
    private readonly backoff: Backoff,
    private readonly mask: (t: string) => string,
    /** The proxy agent for the gateway's WebSocket; none connects directly. */
    private readonly agent?: Agent,
  ) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    // A fresh manager per attempt: a failed connection leaves its shards in a state not worth reusing.
    // Its own REST client, which waits out a rate limit on GET /gateway/bot rather than failing.
    const rest = new REST({ ...this.rest, rejectOnRateLimit: null }).setToken(this.token);
    const manager = new WebSocketManager({
      token: this.token,
      intents: GatewayIntentBits.Guilds,
      rest,
      retrieveSessionInfo: (shard) => this.sessions.get(shard) ?? null,
      updateSessionInfo: (shard, info) => void (info ? this.sessions.set(shard, info) : this.sessions.delete(shard)),
    });
    this.manager = manager;
    let fatal = false;
    // The handlers run outside the proxy context: what they start is not the gateway's business.
    manager.on(WebSocketShardEvents.Dispatch, ({ data }) => withoutWsAgent(() => {
      if (data.t === GatewayDispatchEvents.InteractionCreate) this.on.interaction(data.d as APIInteraction);
      else if (data.t === GatewayDispatchEvents.Ready) {
        this.attempt = 0;
        this.on.ready(tag(data.d.user));
      }
    }));
    manager.on(WebSocketShardEvents.Error, ({ error }) => withoutWsAgent(() => this.on.error(this.mask(error.message))));
    // Closed without a reconnection to follow: the codes after which Discord will not take this
    // connection back (a normal close, 1000, is ours or comes before a reconnection).
    manager.on(WebSocketShardEvents.Closed, ({ code }) => {
      if (this.stopped || !(code in CLOSE_REASONS) || fatal) return;
      fatal = true;
      withoutWsAgent(() => this.on.fatal(CLOSE_REASONS[code]!));
    });
    try {
      // Every shard socket opened from here on, resumes and reconnections included, uses the agent.
      await withWsAgent(this.agent, () => manager.connect());
    } catch (e) {
      if (this.stopped || fatal) return;
      await Promise.resolve(manager.destroy()).catch(() => {});
      const err = e as Error;
      if ((e instanceof DiscordAPIError && e.status === 401) || err?.message === 'Authentication failed') {
        fatal = true;
        this.on.fatal('gateway login failed: the bot token was refused (401): put the current one in the config');
        return;
      }
      const wait = backoffDelay(this.backoff, this.attempt++);
      this.on.retrying(`gateway login failed: ${this.mask(err?.message ?? String(e))}`, wait);
      this.timer = setTimeout(() => void this.connect(), wait);
      // Waiting to retry is no reason to keep the process alive (as Slack's reconnection loop).
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.manager?.destroy();
    this.manager = undefined;
  }
}

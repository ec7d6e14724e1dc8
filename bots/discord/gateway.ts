// The discord.js gateway connection that brings slash commands in (Guilds intent only: no privileged
// intents are needed for interactions). discord.js reconnects a live connection by itself, but a login
// that fails (network not up yet at boot, a Discord outage, a 5xx on GET /gateway/bot) is final for
// discord.js: here it is tried again with backoff, so commands come back without a restart. A refused
// token (401, close code 4004) or refused intents stop it for good: the bot is unhealthy until fixed.
import type { RESTOptions } from '@discordjs/rest';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { APIInteraction } from 'discord-api-types/v10';

import { backoffDelay, type Backoff } from '../../src/kit/backoff.js';

export interface GatewayEvents {
  interaction(i: APIInteraction): void;
  ready(userTag: string): void;
  /** The login failed for a reason a later attempt may not have; the next one is in `inMs`. */
  retrying(reason: string, inMs: number): void;
  /** It cannot work until the config changes (token, intents). */
  fatal(reason: string): void;
  error(reason: string): void;
}

// Gateway close codes after which discord.js gives up (developers/topics/opcodes-and-status-codes.mdx).
const CLOSE_REASONS: Record<number, string> = {
  4004: 'the gateway refused the bot token (4004): put the current one in the config',
  4010: 'invalid shard (4010)',
  4011: 'sharding required (4011): the bot is in too many servers for one connection',
  4012: 'invalid gateway version (4012)',
  4013: 'invalid intents (4013)',
  4014: 'disallowed intents (4014): hookbot needs only the Guilds intent; check the Developer Portal',
};

export class GatewayConnection {
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly token: string,
    private readonly rest: Partial<RESTOptions>,
    private readonly on: GatewayEvents,
    private readonly backoff: Backoff,
    private readonly mask: (t: string) => string,
  ) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    // A fresh client per attempt: a failed login destroys its client, and discord.js keeps state in it.
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { ...this.rest, rejectOnRateLimit: null } });
    this.client = client;
    client.ws.on('INTERACTION_CREATE' as any, (i: APIInteraction) => this.on.interaction(i));
    client.on(Events.Error, (e) => this.on.error(this.mask(e.message)));
    client.once(Events.ClientReady, (c) => {
      this.attempt = 0;
      this.on.ready(c.user.tag);
    });
    client.on(Events.ShardDisconnect, (ev) => {
      if (!this.stopped) this.on.fatal(CLOSE_REASONS[ev.code] ?? `the gateway closed the connection for good (code ${ev.code})`);
    });
    try {
      await client.login(this.token);
    } catch (e) {
      if (this.stopped) return;
      const err = e as Error & { code?: string };
      if (err?.code === 'TokenInvalid') {
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
    await this.client?.destroy();
    this.client = undefined;
  }
}

// Slash-command registration: one bulk overwrite (PUT /applications/{app}[/guilds/{guild}]/commands).
// It must never hold up start-up (the worker starts after every bot): a 429 is handed back by the REST
// client instead of being slept on, and a 429, 5xx or network failure is tried again in the background.
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { Routes, type RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { DeliveryError, type CommandInfo } from '../../src/bot.js';
import { toDeliveryError } from './errors.js';
import { backoffDelay, type Backoff } from '../../src/kit/backoff.js';

/** Discord allows this many chat-input commands per application (and per guild). */
export const MAX_COMMANDS = 100;

/** At most `max` UTF-16 units, never ending in half of a surrogate pair (an emoji cut in two is refused). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}

/** Slash-command definitions: every command takes its arguments as one optional string, `args`. */
export function slashCommands(list: CommandInfo[]): RESTPutAPIApplicationCommandsJSONBody {
  return list.slice(0, MAX_COMMANDS).map((c) => ({
    name: c.name,
    type: 1,
    // Descriptions are 1-100 characters.
    description: cut(c.description.trim() || c.name, 100),
    options: [{ type: 3, name: 'args', description: cut(c.usage?.trim() || 'arguments', 100), required: false }],
    // Usable in servers, in the bot's DMs and in group DMs.
    contexts: [0, 1, 2],
    integration_types: [0],
  }));
}

export interface RegistrationEvents {
  registered(count: number): void;
  retrying(reason: string, inMs: number): void;
  /** Will not work without a change: a refused token (`err.unhealthy`) or a refused request. */
  failed(err: DeliveryError): void;
}

export class CommandRegistration {
  private timer?: NodeJS.Timeout;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly rest: REST,
    private readonly where: { applicationId: string; guildId?: string },
    private readonly on: RegistrationEvents,
    private readonly backoff: Backoff,
    private readonly mask: (t: string) => string,
  ) {}

  /** Resolves after the first attempt; later attempts, if needed, run in the background. */
  async run(list: CommandInfo[]): Promise<void> {
    if (this.stopped) return;
    const { applicationId, guildId } = this.where;
    const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
    try {
      const body = slashCommands(list);
      await this.rest.put(route, { body });
      this.on.registered(body.length);
      if (list.length > body.length) {
        this.on.failed(new DeliveryError(`${list.length} commands, but Discord takes at most ${MAX_COMMANDS}: ${list.slice(MAX_COMMANDS).map((c) => '/' + c.name).join(', ')} left out; remove some custom commands`, { retryable: false }));
      }
    } catch (e) {
      if (this.stopped) return;
      const err = toDeliveryError(e, this.mask);
      if (!err.retryable || err.unhealthy) return this.on.failed(this.explain(e, err));
      const wait = err.retryAfterMs ?? backoffDelay(this.backoff, this.attempt);
      this.attempt++;
      this.on.retrying(err.message, wait);
      this.timer = setTimeout(() => void this.run(list), wait);
      this.timer.unref();
    }
  }

  /** Registration-specific advice where the delivery hint (about channels) would mislead. */
  private explain(e: unknown, err: DeliveryError): DeliveryError {
    if (!(e instanceof DiscordAPIError) || e.code !== 50001) return err;
    const fix = this.where.guildId
      ? `the bot is not in server ${this.where.guildId}, or was invited without the applications.commands scope: check guildId, or re-invite the bot with the bot and applications.commands scopes`
      : 'check applicationId: it must be the Application ID of this bot (Developer Portal → General Information)';
    return new DeliveryError(`Discord 403 50001: Missing Access (${fix})`, { retryable: false });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

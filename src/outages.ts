// What the worker knows about bots whose platform fails, and chats that do not move. Kept in the
// memory of the instance that owns the bot (it alone sends its deliveries), so a restart, or another
// instance taking the bot over, starts afresh: every held delivery is due at once and the first
// send is the probe.
//
// A failing platform (network errors, 5xx, timeouts; or a refused token) is probed with ONE
// delivery on a short doubling schedule, 1 s, 2 s, 4 s, 8 s, then every 15 s: short enough that the
// first message goes out within 15 s of the platform being back, long enough that an outage of
// hours costs four requests a minute. The rest of the bot's deliveries wait without spending
// attempts, and all of them are released the moment a probe gets an answer.

/** The first probe comes this long after the failure that opened an outage; each failed probe doubles it. */
export const PROBE_FIRST_MS = 1000;
/** …up to this: the longest a platform can be back before hookbot sends again. */
export const PROBE_MAX_MS = 15_000;
/** A chat whose head delivery has waited on its platform this long while its bot works is stuck. */
export const CHAT_STUCK_MS = 120_000;

export type OutageKind = 'unreachable' | 'unhealthy';

export interface Outage {
  bot: string;
  /** `unreachable`: network errors, 5xx, timeouts. `unhealthy`: the platform refused the bot (a token, a webhook URL). */
  kind: OutageKind;
  since: number;
  reason: string;
  /** Failed sends since the outage began (the one that opened it, then each failed probe). */
  failures: number;
  nextProbeAt: number;
  /** A probe is being sent now: no second one until it is answered. */
  probing: boolean;
}

export interface ChatTrouble {
  bot: string;
  chat: string;
  since: number;
  reason: string;
}

/** When the next probe is due after `failures` failed sends in a row: `firstMs`, doubling, capped. */
export function probeDelayMs(failures: number): number {
  return Math.min(PROBE_MAX_MS, PROBE_FIRST_MS * 2 ** Math.max(0, failures - 1));
}

export class Outages {
  private readonly bots = new Map<string, Outage>();
  private readonly chats = new Map<string, ChatTrouble>();

  /** What the worker may claim of this bot now: everything, one probe, or nothing yet. */
  access(bot: string, now: number): 'all' | 'probe' | 'none' {
    const o = this.bots.get(bot);
    if (!o) return 'all';
    return !o.probing && o.nextProbeAt <= now ? 'probe' : 'none';
  }

  get(bot: string): Outage | undefined {
    return this.bots.get(bot);
  }

  probing(bot: string, yes: boolean): void {
    const o = this.bots.get(bot);
    if (o) o.probing = yes;
  }

  /** A send failed because the platform fails (not one chat): opens the outage, or schedules the next probe. */
  failed(bot: string, kind: OutageKind, reason: string, now: number): Outage {
    const before = this.bots.get(bot);
    const failures = (before?.failures ?? 0) + 1;
    // A refused token outranks a network error: it is what a person must fix.
    const o: Outage = {
      bot,
      kind: before?.kind === 'unhealthy' && kind === 'unreachable' ? 'unhealthy' : kind,
      since: before?.since ?? now,
      reason,
      failures,
      nextProbeAt: now + probeDelayMs(failures),
      probing: false,
    };
    this.bots.set(bot, o);
    return o;
  }

  /** The platform answered (a send went out, or it refused one chat): ends the outage; returns it. */
  answered(bot: string): Outage | undefined {
    const o = this.bots.get(bot);
    this.bots.delete(bot);
    return o;
  }

  /** The chat's head delivery must wait on the platform (a 429 for that chat, an unknown outcome). */
  chatWaits(bot: string, chat: string, reason: string, now: number): void {
    const key = chatKey(bot, chat);
    const t = this.chats.get(key);
    this.chats.set(key, { bot, chat, since: t?.since ?? now, reason });
  }

  /** The chat's head moved on (sent, or dead-lettered). */
  chatMoved(bot: string, chat: string): void {
    this.chats.delete(chatKey(bot, chat));
  }

  /** Forgets a bot this instance no longer sends for. */
  forget(bot: string): void {
    this.bots.delete(bot);
    for (const [k, t] of this.chats) if (t.bot === bot) this.chats.delete(k);
  }

  list(): Outage[] {
    return [...this.bots.values()];
  }

  /** Chats waiting longer than CHAT_STUCK_MS while their bot works (a bot in an outage says it all). */
  stuckChats(now: number): ChatTrouble[] {
    return [...this.chats.values()].filter((t) => now - t.since >= CHAT_STUCK_MS && !this.bots.has(t.bot));
  }
}

function chatKey(bot: string, chat: string): string {
  return `${bot}\u0000${chat}`;
}

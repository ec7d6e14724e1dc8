// Stuck chats, for /healthz: a send in flight far beyond its timeout (an adapter or the store that
// never answers), or a chat whose head has kept failing for long while its platform works (a bad
// message, a chat the bot may no longer post in). Both need a person; a platform outage is the
// bot's problem and is reported as such (recovery.ts).
import type { Delivery } from './store/store.js';

export interface StuckChat {
  bot: string;
  /** The target as written (`telegram:-100123/4`). */
  target: string;
  since: number;
  reason: string;
}

const lane = (d: Pick<Delivery, 'bot' | 'kind' | 'chat'>) => `${d.bot}\0${d.kind}\0${d.chat}`;

export class Stalls {
  private readonly inflight = new Map<number, { d: Delivery; at: number }>();
  private readonly failing = new Map<string, { bot: string; target: string; since: number; reason: string }>();

  constructor(private readonly opts: { sendTimeoutMs: number; stuckAfterMs: number }) {}

  started(d: Delivery, now: number): void {
    this.inflight.set(d.id, { d, at: now });
  }
  finished(d: Delivery): void {
    this.inflight.delete(d.id);
  }
  /** The chat's head failed and stays at the head; the first failure is when the chat stopped moving. */
  failed(d: Delivery, reason: string, now: number): void {
    const f = this.failing.get(lane(d));
    if (f) f.reason = reason;
    else this.failing.set(lane(d), { bot: d.bot, target: d.target, since: now, reason });
  }
  /** The head went (sent or dead-lettered): the chat moves again. */
  moved(d: Delivery): void {
    this.failing.delete(lane(d));
  }

  /** Chats stuck now; those of bots in an outage (`held`) only once it has lasted long too. */
  stuck(now: number, held: ReadonlySet<string>): StuckChat[] {
    const out: StuckChat[] = [];
    // Twice the send timeout: a send aborted on time has long finished by then.
    const hung = 2 * this.opts.sendTimeoutMs;
    for (const { d, at } of this.inflight.values()) {
      if (now - at > hung) out.push({ bot: d.bot, target: d.target, since: at, reason: `a send has been in flight for ${Math.round((now - at) / 1000)} s (timeout ${Math.round(this.opts.sendTimeoutMs / 1000)} s)` });
    }
    for (const f of this.failing.values()) {
      if (held.has(f.bot) || now - f.since < this.opts.stuckAfterMs) continue;
      out.push({ ...f, reason: `its next message has not gone for ${Math.round((now - f.since) / 60_000)} min: ${f.reason}` });
    }
    return out;
  }
}

// Every platform's default limits, checked against what the platform itself allows: a greedy sender
// paced by hookbot's limiter never puts more messages in ANY window than the platform takes, and is
// not needlessly slower than it. The platforms' own numbers are from the platforms reference
// (Telegram Bot FAQ, Discord and Slack rate-limit docs, the Chinese platforms' robot docs).
import { describe, expect, it } from 'vitest';
import { botModules } from '../../bots/index.js';
import type { ChatKind, Rate, RateLimits } from '../../src/bot.js';
import { ManualClock } from '../../src/clock.js';
import { RateLimiter } from '../../src/ratelimit.js';

interface Row {
  platform: string;
  /** What the platform allows, per private chat, per group (a robot is one) and per bot. */
  allows: { user?: Rate[]; group?: Rate[]; bot?: Rate[] };
  /**
   * The defaults for a platform whose module is not registered yet: the limiter must be able to
   * express its limits. Once registered, the module's own defaults are checked instead.
   */
  planned?: RateLimits;
}

const perSec = (count: number, minGapMs?: number): Rate => ({ count, perMs: 1000, ...(minGapMs ? { minGapMs } : {}) });
const perMin = (count: number): Rate => ({ count, perMs: 60_000 });

const rows: Row[] = [
  // "about one message per second" in a chat, "20 messages per minute to the same group", "30 per second" in all.
  { platform: 'telegram', allows: { user: [perSec(1)], group: [perMin(20), perSec(1)], bot: [perSec(30)] } },
  // About 5 per 5 s per channel route; 50 requests per second per bot.
  { platform: 'discord', allows: { user: [{ count: 5, perMs: 5000 }], group: [{ count: 5, perMs: 5000 }], bot: [perSec(50)] } },
  // chat.postMessage: about 1 per second per channel.
  { platform: 'slack', allows: { user: [perSec(1)], group: [perSec(1)] } },
  // No published limit; about 1/s per account and 20/min per group keep risk control away.
  {
    platform: 'onebot',
    allows: { group: [perMin(20)], bot: [perSec(1)] },
    planned: { user: perSec(1), group: perMin(20), bot: perSec(1) },
  },
  // 20 per minute per robot, and going over throttles it for 10 minutes.
  { platform: 'dingtalk', allows: { group: [perMin(20)], bot: [perMin(20)] }, planned: { bot: perMin(20) } },
  // 5 per second and 100 per minute per robot.
  { platform: 'feishu', allows: { group: [perSec(5), perMin(100)], bot: [perSec(5), perMin(100)] }, planned: { bot: [perSec(5), perMin(100)] } },
  // 20 per minute per robot.
  { platform: 'wecom', allows: { group: [perMin(20)], bot: [perMin(20)] }, planned: { bot: perMin(20) } },
];

/** Sends greedily over `chats` in turn for `durationMs`, each part as one message; returns the send times per chat. */
function simulate(limits: RateLimits, kind: ChatKind, chats: number, durationMs: number): Map<string, number[]> {
  const clock = new ManualClock(0);
  const rl = new RateLimiter(() => limits, clock);
  const sent = new Map<string, number[]>(Array.from({ length: chats }, (_, i) => [`c${i}`, []]));
  while (clock.now() < durationMs) {
    let least = Infinity;
    for (const [chat, at] of sent) {
      const wait = rl.reserve('b', chat, kind);
      if (wait === 0) at.push(clock.now());
      else least = Math.min(least, wait);
    }
    if (least !== Infinity) clock.advance(least);
  }
  return sent;
}

/** The most messages any window of `perMs` holds (a window [t, t + perMs) starting at a send). */
function busiestWindow(times: number[], perMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[j]! < t[i]! - perMs + 1) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const limitsOf = (row: Row): RateLimits | undefined => botModules[row.platform]?.limits ?? row.planned;

describe.each(rows)('default limits for $platform', (row) => {
  const limits = limitsOf(row)!;
  const scopes: { kind: ChatKind; allows: Rate[] | undefined }[] = [
    { kind: 'user', allows: row.allows.user },
    { kind: 'group', allows: row.allows.group },
  ];

  it('are declared', () => {
    expect(limits).toBeDefined();
  });

  for (const { kind, allows } of scopes) {
    if (!allows) continue;
    it(`never exceed what one ${kind} chat allows in any window, nor are needlessly slow`, () => {
      const [times] = [...simulate(limits, kind, 1, 5 * 60_000).values()];
      for (const rate of allows) {
        expect(busiestWindow(times!, rate.perMs), `${rate.count} per ${rate.perMs} ms`).toBeLessThanOrEqual(rate.count);
        if (rate.minGapMs) for (let i = 1; i < times!.length; i++) expect(times![i]! - times![i - 1]!).toBeGreaterThanOrEqual(rate.minGapMs);
      }
      // At least 90% of the strictest rate the platform allows over five minutes.
      const best = Math.min(...allows.map((r) => Math.floor((5 * 60_000) / r.perMs) * r.count));
      expect(times!.length).toBeGreaterThanOrEqual(Math.floor(best * 0.9));
    });
  }

  if (row.allows.bot) {
    it('never exceed what the bot allows over all its chats in any window', () => {
      const all = [...simulate(limits, 'group', 80, 3 * 60_000).values()].flat();
      for (const rate of row.allows.bot!) expect(busiestWindow(all, rate.perMs), `${rate.count} per ${rate.perMs} ms`).toBeLessThanOrEqual(rate.count);
    });
  }
});

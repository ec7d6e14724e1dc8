// Three hookbot processes on one PostgreSQL database behave as one: reports posted round-robin to
// the three reach the fake Telegram once each, in order per chat, with one poller for the bot; the
// instance that owns the bot is killed (kill -9) in the middle and another takes it over in time.
// The full 5,000 reports run as bench/pg-scale.ts (this test uses fewer to stay quick on
// two cores; SCALE_REPORTS overrides).
import { describe, expect, it } from 'vitest';
import { postgresAvailable } from '../helpers/postgres.js';
import { runScale } from '../helpers/scale.js';

const available = await postgresAvailable();
const REPORTS = Number(process.env['SCALE_REPORTS'] ?? 600);

describe.runIf(available)('three instances on one PostgreSQL', () => {
  it(
    `${REPORTS} reports × 2 targets, the bot's owner killed mid-way: nothing lost, no more duplicates than sends in flight, order kept, no 409, no 429`,
    async () => {
      const r = await runScale({ reports: REPORTS, killAt: 0.4, log: (s) => process.stderr.write(`scale: ${s}\n`) });
      process.stderr.write(`scale: ${JSON.stringify(r)}\n`);
      expect(r.lost).toBe(0);
      expect(r.duplicates).toBeLessThanOrEqual(r.inFlightAtKill);
      expect(r.outOfOrder).toEqual([]);
      expect(r.takeoverMs).toBeLessThan(15_000);
      expect(r.conflicts409).toBe(0);
      expect(r.tooMany429).toBe(0);
    },
    300_000,
  );
});

// A sender's time without an offset is read in its source's zone, not the server's.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { bettergi } from '../../src/inbound/bettergi.js';
import type { SourceConfig } from '../../src/config.js';

const parse = (timestamp: string, timezone?: string) => {
  const body = { event: 'domain.end', result: 0, timestamp, message: 'done' };
  const config = { format: 'bettergi', public: true, capture: 0, ...(timezone ? { timezone } : {}) } as unknown as SourceConfig;
  return bettergi.parse(body, { source: 'bgi', config, headers: {}, query: {}, raw: Buffer.from(JSON.stringify(body)), clock: new ManualClock(0) }) as { time: string };
};

describe('naive sender times', () => {
  it.each([
    ['Asia/Shanghai', '2024-05-01 20:00:00', '2024-05-01T12:00:00.000Z'],
    ['Europe/Berlin', '2024-07-15 14:30:00', '2024-07-15T12:30:00.000Z'],
    ['UTC', '2024-05-01 20:00:00', '2024-05-01T20:00:00.000Z'],
  ])('reads BetterGI time in %s', (tz, ts, want) => {
    expect(parse(ts, tz).time).toBe(want);
  });

  it('keeps an explicit offset whatever the zone', () => {
    expect(parse('2024-05-01T20:00:00+08:00', 'Europe/Berlin').time).toBe('2024-05-01T12:00:00.000Z');
  });
});

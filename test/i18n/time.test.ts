import { describe, expect, it } from 'vitest';
import { formatTime, isTimeZone, systemTimeZone, wallTimeToUtc, zoneOffsetMs } from '../../src/i18n/time.js';

const T = Date.parse('2024-05-01T12:00:00Z');

describe('formatTime', () => {
  it.each([
    ['UTC', '2024-05-01 12:00 UTC'],
    ['Asia/Shanghai', '2024-05-01 20:00 UTC+8'],
    ['America/New_York', '2024-05-01 08:00 UTC-4'],
    ['Asia/Kolkata', '2024-05-01 17:30 UTC+5:30'],
  ])('in %s', (tz, want) => {
    expect(formatTime(T, tz)).toBe(want);
  });

  it('crosses the date line in the zone, not in UTC', () => {
    expect(formatTime(Date.parse('2024-05-01T17:30:00Z'), 'Asia/Shanghai', 'zh-CN', true)).toBe('2024-05-02 01:30:00 UTC+8');
  });
});

describe('zones', () => {
  it('knows IANA names and refuses others', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Asia/Shangai')).toBe(false);
    expect(isTimeZone('CST+8')).toBe(false);
    expect(isTimeZone(systemTimeZone())).toBe(true);
  });

  it('gives the offset at an instant, DST included', () => {
    expect(zoneOffsetMs(T, 'Asia/Shanghai')).toBe(8 * 3600_000);
    expect(zoneOffsetMs(Date.parse('2024-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(3600_000);
    expect(zoneOffsetMs(Date.parse('2024-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(7200_000);
  });

  it('places a wall-clock time of a zone on the UTC clock', () => {
    expect(new Date(wallTimeToUtc('Asia/Shanghai', 2024, 5, 1, 20, 0, 0)).toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(new Date(wallTimeToUtc('Europe/Berlin', 2024, 7, 15, 14, 0, 0)).toISOString()).toBe('2024-07-15T12:00:00.000Z');
    expect(new Date(wallTimeToUtc('UTC', 2024, 2, 29, 23, 59, 59, 500)).toISOString()).toBe('2024-02-29T23:59:59.500Z');
    // 02:30 does not exist in Berlin on 2024-03-31 (clocks jump 02:00 → 03:00): an hour either side of it, never NaN.
    const gap = wallTimeToUtc('Europe/Berlin', 2024, 3, 31, 2, 30);
    expect([Date.parse('2024-03-31T00:30:00Z'), Date.parse('2024-03-31T01:30:00Z')]).toContain(gap);
    // 02:30 happens twice on 2024-10-27: the earlier one.
    expect(new Date(wallTimeToUtc('Europe/Berlin', 2024, 10, 27, 2, 30)).toISOString()).toBe('2024-10-27T00:30:00.000Z');
  });
});

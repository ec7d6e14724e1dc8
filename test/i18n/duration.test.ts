import { describe, expect, it } from 'vitest';
import { formatDuration, formatSeconds } from '../../src/i18n/duration.js';

describe('formatDuration', () => {
  it.each([
    [3_600_000, '1 h', '1小时'],
    [3_600_500, '1 h', '1小时'],
    [3_725_000, '1 h 2 min', '1小时2分钟'],
    [3_601_000, '1 h', '1小时'],
    [45_000, '45 s', '45秒'],
    [90_000, '1 min 30 s', '1分钟30秒'],
    [2 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000, '2 d 4 h', '2天4小时'],
    [86_400_000 + 60_000, '1 d', '1天'],
    [500, '500 ms', '500毫秒'],
    [0, '0 ms', '0毫秒'],
    [-5, '0 ms', '0毫秒'],
  ])('%d ms → %s / %s', (ms, en, zh) => {
    expect(formatDuration(ms, 'en')).toBe(en);
    expect(formatDuration(ms, 'zh-CN')).toBe(zh);
  });

  it('shows more units when asked', () => {
    expect(formatDuration(3_725_000, 'en', 3)).toBe('1 h 2 min 5 s');
    expect(formatDuration(3_725_000, 'zh-CN', 1)).toBe('1小时');
  });

  it('reads seconds, fractions included (Volcengine sends 3600.5)', () => {
    expect(formatSeconds(3600.5, 'zh-CN')).toBe('1小时');
    expect(formatSeconds(3600.5, 'en')).toBe('1 h');
    expect(formatSeconds(0.25, 'en')).toBe('250 ms');
  });
});

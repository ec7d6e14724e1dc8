import { describe, expect, it } from 'vitest';
import { parseCommandText, parseDuration, splitArgs } from '../../src/commands/parse.js';

describe('parseCommandText', () => {
  const cases: [string, string | undefined, { name: string; args: string } | undefined][] = [
    ['/status', undefined, { name: 'status', args: '' }],
    ['/status now', undefined, { name: 'status', args: 'now' }],
    ['  /Mute bgi 2h  ', undefined, { name: 'mute', args: 'bgi 2h' }],
    ['/status@hook_bot', 'hook_bot', { name: 'status', args: '' }],
    ['/status@Hook_Bot args here', 'hook_bot', { name: 'status', args: 'args here' }],
    ['/status@hook_bot', '@hook_bot', { name: 'status', args: '' }],
    ['/status@other_bot', 'hook_bot', undefined],
    ['/status@other_bot', undefined, { name: 'status', args: '' }],
    ['/recent\nbgi 3', undefined, { name: 'recent', args: 'bgi 3' }],
    ['status', undefined, undefined],
    ['hello /status', undefined, undefined],
    ['/', undefined, undefined],
    ['/stat-us', undefined, undefined],
    ['/a_very_long_command_name_over_32_chars', undefined, undefined],
    ['//status', undefined, undefined],
  ];
  it.each(cases)('%j (bot %s)', (text, bot, want) => {
    expect(parseCommandText(text, bot)).toEqual(want);
  });
});

describe('splitArgs', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['  a  b ', ['a', 'b']],
    ['"live_*" 30m', ['live_*', '30m']],
    ["say 'hello world' now", ['say', 'hello world', 'now']],
    ['a\\ b c', ['a b', 'c']],
    ['""', ['']],
    ['"unclosed quote', ['unclosed quote']],
    ['中文 参数', ['中文', '参数']],
  ];
  it.each(cases)('%j', (args, want) => {
    expect(splitArgs(args)).toEqual(want);
  });
});

describe('parseDuration', () => {
  const ok: [string, number][] = [
    ['30m', 30 * 60_000],
    ['2h', 2 * 3600_000],
    ['1d', 86400_000],
    ['1.5h', 5400_000],
    ['2 hours', 7200_000],
    ['45s', 45_000],
  ];
  it.each(ok)('%s → %d ms', (text, want) => {
    expect(parseDuration(text)).toBe(want);
  });
  const bad: [string, RegExp][] = [
    ['30', /no unit/],
    ['soon', /not a duration/],
    ['', /not a duration/],
    ['-5m', /not a positive/],
    ['0m', /not a positive/],
    ['400d', /too long/],
  ];
  it.each(bad)('%j is refused', (text, re) => {
    expect(() => parseDuration(text)).toThrow(re);
  });
});

import { describe, expect, it } from 'vitest';
import { closest, didYouMean, known } from '../../src/didyoumean.js';

describe('did you mean', () => {
  it.each([
    ['betterGI', ['report', 'bettergi', 'onelive'], 'bettergi'],
    ['opps', ['ops', 'alerts'], 'ops'],
    ['stauts', ['status', 'recent', 'help'], 'status'],
    ['telegarm', ['telegram', 'discord'], 'telegram'],
    ['nosuchsource', ['bgi', 'onelive'], undefined],
    ['x', [], undefined],
  ])('%s among %j → %s', (word, list, want) => {
    expect(closest(word, list)).toBe(want);
  });

  it('words the hint and the list', () => {
    expect(didYouMean('opps', ['ops'])).toBe(": did you mean 'ops'?");
    expect(didYouMean('zzzzzz', ['ops'])).toBe('');
    expect(known(['ops', 'alerts'])).toBe('(have: ops, alerts)');
    expect(known([], 'known')).toBe('(known: none)');
    expect(known(['a', 'b', 'c'], 'have', 2)).toBe('(have: a, b, … 1 more)');
  });
});

// One "did you mean" for every name hookbot looks up: config keys, formats, platforms, bots,
// sources, groups, people, commands. A typo gets the nearest name; a wild guess gets none.

/** The candidate nearest to `word` (case-insensitive edit distance), if near enough to be a typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** `: did you mean 'ops'?`, or '' when nothing is near. */
export function didYouMean(word: string, candidates: Iterable<string>, quote = "'"): string {
  const hit = closest(word, candidates);
  return hit === undefined ? '' : `: did you mean ${quote}${hit}${quote}?`;
}

/** `a, b, c` / `a, b, … 3 more`: a list of names short enough to read in a message. */
export function listOf(candidates: readonly string[], max = 12, more = (n: number) => `, … ${n} more`): string {
  const shown = candidates.slice(0, max).join(', ');
  return `${shown}${candidates.length > max ? more(candidates.length - max) : ''}`;
}

/** `(have: a, b, c)` / `(have: none)`, at most `max` names so a long list stays readable. */
export function known(candidates: readonly string[], label = 'have', max = 12): string {
  return `(${label}: ${candidates.length ? listOf(candidates, max) : 'none'})`;
}

export function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

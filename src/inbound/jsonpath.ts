// The small subset of JSONPath that mapping a payload needs: a single value by member names and
// list indexes. `$.alert.name`, `alert.name`, `$.alerts[0].labels['alert name']`, `$[2]`.
// No wildcards, filters or recursion: a mapping picks one value, and a template does the rest.

export type PathStep = string | number;

/** Parses a path; throws an Error saying where it is wrong. */
export function parsePath(path: string): PathStep[] {
  const s = path.trim();
  const steps: PathStep[] = [];
  let i = 0;
  if (s.startsWith('$')) i = 1;
  else if (s && !s.startsWith('[')) {
    // `alert.name`: the leading member needs no dot.
    const m = /^[^.[\]]+/.exec(s);
    if (!m) throw new Error(`'${path}' is not a path: write e.g. $.alert.name`);
    steps.push(m[0]);
    i = m[0].length;
  }
  while (i < s.length) {
    if (s[i] === '.') {
      const m = /^[^.[\]\s]+/.exec(s.slice(i + 1));
      if (!m) throw new Error(`'${path}': a name must follow '.' at position ${i + 1}`);
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (s[i] === '[') {
      const rest = s.slice(i);
      const m = /^\[\s*(?:(\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (!m) throw new Error(`'${path}': write [0], ['name'] or ["name"] at position ${i + 1}`);
      steps.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3]!).replace(/\\(.)/g, '$1'));
      i += m[0].length;
    } else {
      throw new Error(`'${path}': unexpected '${s[i]}' at position ${i + 1}`);
    }
  }
  return steps;
}

/** The value at the path, or undefined when any step is missing. Only own properties are read. */
export function getPath(value: unknown, steps: PathStep[]): unknown {
  let cur = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step];
    } else {
      // Names are JSON members: not `length` of a list, nor anything inherited.
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

// The node options hookbot runs with are chosen once (bin/hookbot.js says why) and passed in four
// places: the bin's shebang (the `hookbot` command), `npm start`, docs/hookbot.service and the
// benchmark that measures them. They must not drift apart.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
/** The `--name=value` options in a command line, in order. */
const options = (line: string) => line.match(/--[\w-]+=\S+/g) ?? [];

describe('node options', () => {
  const shebang = read('bin/hookbot.js').split('\n')[0]!;
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
  const service = /^ExecStart=\/usr\/bin\/node (.*)\/opt\/hookbot\/bin\/hookbot\.js/m.exec(read('docs/hookbot.service'))?.[1] ?? '';
  const bench = /^const NODE_OPTIONS = \[(.*)\];/m.exec(read('bench/wrk.ts'))?.[1] ?? '';

  it('the bin sets a young generation size', () => {
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node /);
    expect(options(shebang)).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
  });

  it('npm start, the systemd unit and the benchmark pass the options of the bin', () => {
    const chosen = options(shebang);
    expect(options(start.split(' bin/hookbot.js')[0]!)).toEqual(chosen);
    expect(options(service)).toEqual(chosen);
    expect(options(bench.replace(/['",]/g, ' '))).toEqual(chosen);
  });
});

// The node options hookbot runs with are chosen once (bin/hookbot.js says why) and passed in every
// place that starts it: the bin's shebang (the `hookbot` command), `npm start`, each systemd unit
// in docs/ and the benchmarks that measure them. They must not drift apart.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(fileURLToPath(new URL(path, root)), 'utf8');
/** The `--name` and `--name=value` options in a command line, in order. */
const options = (line: string) => line.match(/(?<!\S)--[\w-]+(?:=\S+)?/g) ?? [];

describe('node options', () => {
  const shebang = read('bin/hookbot.js').split('\n')[0]!;
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
  const units = readdirSync(fileURLToPath(new URL('docs/', root))).filter((f) => f.endsWith('.service'));
  const benches = {
    'bench/wrk.ts': /^const NODE_OPTIONS = \[(.*)\];/m.exec(read('bench/wrk.ts'))?.[1] ?? '',
    'bench/burst.ts': /^const NODE_OPTIONS = opt\('node-options', '(.*)'\)/m.exec(read('bench/burst.ts'))?.[1] ?? '',
  };

  it('the bin sets a young generation size and keeps WebAssembly on the baseline compiler', () => {
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node /);
    expect(options(shebang)).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
    expect(options(shebang)).toEqual(expect.arrayContaining(['--no-wasm-tier-up', '--no-wasm-dynamic-tiering']));
  });

  it('npm start passes the options of the bin', () => {
    expect(options(start.split(' bin/hookbot.js')[0]!)).toEqual(options(shebang));
  });

  it('every systemd unit in docs/ passes the options of the bin', () => {
    expect(units).toEqual(expect.arrayContaining(['hookbot.service', 'hookbot@.service']));
    for (const unit of units) {
      const exec = /^ExecStart=\/usr\/bin\/node (.*)\/opt\/hookbot\/bin\/hookbot\.js /m.exec(read(`docs/${unit}`));
      expect(exec, unit).not.toBeNull();
      expect(options(exec![1]!), unit).toEqual(options(shebang));
    }
  });

  it('the benchmarks pass the options of the bin', () => {
    for (const [file, line] of Object.entries(benches)) expect(options(line.replace(/['",]/g, ' ')), file).toEqual(options(shebang));
  });
});

// docs/hookbot.service is a unit systemd accepts: `systemd-analyze verify` reports nothing, with
// the install paths pointed at this checkout (verify checks that ExecStart's program exists).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/dist.js';

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('docs/hookbot.service', () => {
  const unit = readFileSync(join(ROOT, 'docs', 'hookbot.service'), 'utf8');

  it('runs node on the bin directly, so the stop signal reaches hookbot', () => {
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node (?:--[\w-]+=\S+ )*\/opt\/hookbot\/bin\/hookbot\.js start -c \S+$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });

  // CI installs systemd for this (.ci/run); elsewhere the check needs systemd-analyze on the PATH.
  it.skipIf(!hasSystemdAnalyze())('passes systemd-analyze verify without a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-unit-'));
    const file = join(dir, 'hookbot.service');
    writeFileSync(file, unit.replaceAll('/opt/hookbot', ROOT.replace(/\/$/, '')).replaceAll('/usr/bin/node', process.execPath));
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile('systemd-analyze', ['verify', file], (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr })),
    );
    // verify exits 0 on unknown keys and bad values, but prints them: both must be clean.
    expect(r.stderr.split('\n').filter((l) => l.includes('hookbot.service'))).toEqual([]);
    expect(r.code).toBe(0);
  });
});

// docs/hookbot.service is a unit systemd accepts: `systemd-analyze verify` reports nothing, with
// the install paths pointed at this checkout (verify checks that ExecStart's program exists).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/dist.js';
import { hasSystemdAnalyze, verifyUnit } from '../helpers/systemd.js';

describe('docs/hookbot.service', () => {
  const unit = readFileSync(join(ROOT, 'docs', 'hookbot.service'), 'utf8');

  it('runs node on the bin directly, so the stop signal reaches hookbot', () => {
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node (?:--[\w-]+(?:=\S+)? )*\/opt\/hookbot\/bin\/hookbot\.js start -c \S+$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });

  // CI installs systemd for this (.ci/run); elsewhere the check needs systemd-analyze on the PATH.
  it.skipIf(!hasSystemdAnalyze())('passes systemd-analyze verify without a warning', async () => {
    const r = await verifyUnit(unit, 'hookbot.service');
    // verify exits 0 on unknown keys and bad values, but prints them: both must be clean.
    expect(r.stderr.split('\n').filter((l) => l.includes('hookbot.service'))).toEqual([]);
    expect(r.code).toBe(0);
  });
});

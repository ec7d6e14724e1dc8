// docs/hookbot@.service (several instances on one machine, one PostgreSQL store) is a unit systemd
// accepts: `systemd-analyze verify` of an instance of it reports nothing, with the install paths
// pointed at this checkout (verify checks that ExecStart's program exists).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/dist.js';
import { hasSystemdAnalyze, verifyUnit } from '../helpers/systemd.js';

describe('docs/hookbot@.service', () => {
  const unit = readFileSync(join(ROOT, 'docs', 'hookbot@.service'), 'utf8');

  it('gives each instance its port from the instance name, and runs node on the bin directly', () => {
    expect(unit).toMatch(/^Environment=HOOKBOT_PORT=%i$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node (?:--[\w-]+(?:=\S+)? )*\/opt\/hookbot\/bin\/hookbot\.js start -c \S+$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });

  it.skipIf(!hasSystemdAnalyze())('an instance of it passes systemd-analyze verify without a warning', async () => {
    const r = await verifyUnit(unit, 'hookbot@8081.service');
    expect(r.stderr.split('\n').filter((l) => l.includes('hookbot@'))).toEqual([]);
    expect(r.code).toBe(0);
  });
});

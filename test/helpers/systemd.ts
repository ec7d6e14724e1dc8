// Checking the systemd units in docs/ with `systemd-analyze verify`, as a user's systemd would read
// them once installed: the install paths are pointed at this checkout (verify checks that
// ExecStart's program exists).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './dist.js';

export function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes `unit` as `fileName` with this checkout's paths and runs `systemd-analyze verify` on it. */
export async function verifyUnit(unit: string, fileName: string): Promise<{ code: number; stderr: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'hookbot-unit-')), fileName);
  writeFileSync(file, unit.replaceAll('/opt/hookbot', ROOT.replace(/\/$/, '')).replaceAll('/usr/bin/node', process.execPath));
  return new Promise((resolve) =>
    execFile('systemd-analyze', ['verify', file], (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr })),
  );
}

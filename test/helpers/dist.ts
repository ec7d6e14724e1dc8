// The compiled package (dist/) for tests that run hookbot as users do: `npm start`, the `hookbot`
// bin. CI builds it in `npm ci` (the prepare script); a checkout whose dist/ is missing or older
// than its sources is built here, once.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST_CLI = join(ROOT, 'dist', 'src', 'cli.js');
/** What bin/hookbot.js runs when it is there (scripts/bundle.mjs): it must not be older than the sources. */
export const BUNDLE_CLI = join(ROOT, 'dist', 'bundle', 'cli.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  const built = Math.min(...[DIST_CLI, BUNDLE_CLI].map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  const sources = Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'bots')), statSync(join(ROOT, 'package.json')).mtimeMs);
  if (built > sources) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

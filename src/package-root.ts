// Files hookbot reads at run time (its package.json, the example config) are found from the package
// root, which is two levels up from dist/src/ when compiled and one level up from src/ under tsx:
// walking up to the first package.json works for both, and for a global `npm install -g`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`hookbot's package.json was not found above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The example config shipped with the package (the console bot, one `report` source). */
export const EXAMPLE_CONFIG = join(PACKAGE_ROOT, 'config', 'hookbot.example.yaml');

#!/usr/bin/env node
// The `hookbot` command: the compiled JavaScript in dist/ (built by `npm install` through the
// package's `prepare` script, or by `npm run build`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('hookbot: dist/ is missing: run `npm run build` (npm install does it) in the hookbot folder\n');
  process.exit(1);
}
await import(cli.href);

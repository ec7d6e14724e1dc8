#!/usr/bin/env -S node --max-semi-space-size=1
// The `hookbot` command: the compiled JavaScript in dist/ (built by `npm install` through the
// package's `prepare` script, or by `npm run build`). The node option keeps V8's young generation
// at 1 MB (it grows to 16 MB otherwise): about 30 MB less resident, for requests that are small and
// short-lived; `npm start` and docs/hookbot.service pass the same.
import { existsSync, statSync } from 'node:fs';

// The bundle (scripts/bundle.mjs) when the build made one: it starts in about half the CPU time.
// Not when it is older than dist/src (a `tsc` run since the last full build): that would be stale code.
const bundled = new URL('../dist/bundle/cli.js', import.meta.url);
const compiled = new URL('../dist/src/cli.js', import.meta.url);
const mtime = (u) => (existsSync(u) ? statSync(u).mtimeMs : -1);
const cli = mtime(bundled) >= mtime(compiled) ? bundled : compiled;
if (!existsSync(cli)) {
  process.stderr.write('hookbot: dist/ is missing: run `npm run build` (npm install does it) in the hookbot folder\n');
  process.exit(1);
}
await import(cli.href);

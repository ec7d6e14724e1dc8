#!/usr/bin/env -S node --max-semi-space-size=4 --no-wasm-tier-up --no-wasm-dynamic-tiering
// The `hookbot` command: the compiled JavaScript in dist/ (built by `npm install` through the
// package's `prepare` script, or by `npm run build`). The node option caps each half of V8's young
// generation at 4 MB (16 MB otherwise), a balance of memory and CPU: once grown, the young
// generation stays resident (2 × the cap) until V8's memory reducer happens to shrink it, so 16
// would hold up to 24 MB more at idle and at a burst's peak; 1 collected so often under load that
// ingest cost about 10–15% more CPU per request than 4 (interleaved runs, about 190 scavenges against 105
// per 10k requests).
// The two wasm options keep WebAssembly on V8's baseline compiler (Liftoff): undici parses HTTP
// answers with llhttp compiled to wasm, and optimizing it with TurboFan, in the background at the
// first calls to the platforms' APIs, takes about 30 MB of compiler memory for a moment, of which
// malloc keeps 8–10 MB resident for good in about half the starts. Baseline code parses each API
// answer a few µs slower (55 → 61 µs of CPU per undici request, interleaved runs); ingest does
// not use it. `npm start`, docs/hookbot.service, docs/hookbot@.service and bench/wrk.ts pass the
// same options.
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

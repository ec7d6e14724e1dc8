// Bundles the compiled CLI (dist/src/cli.js) into dist/bundle/, which
// bin/hookbot.js runs when it is there. Node's module loader reading, resolving and compiling some
// 700 files one by one was most of the start-up CPU: bundled, `hookbot check` and `start` read a
// few dozen. Each platform stays in its own chunk, loaded only when a bot uses it (bots/index.ts).
// Native and optional packages stay outside and are loaded from node_modules as before.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// @discordjs/rest, as it loads, fills in globalThis.FormData and Blob for runtimes without them
// (`??=`). Reading globalThis.FormData on Node makes Node load its own copy of undici, about 5 MB
// resident; on Node the two globals are always there, so the bundle leaves the statement out (its
// file uploads use the globals as before, when they need them).
const noGlobalFill = {
  name: 'no-global-fill',
  setup(b) {
    b.onLoad({ filter: /[\\/]@discordjs[\\/]rest[\\/]dist[\\/]index\.mjs$/ }, ({ path }) => {
      const fill = 'globalThis.FormData ??= FormData2;\nglobalThis.Blob ??= Blob2;\n';
      const code = readFileSync(path, 'utf8');
      if (!code.includes(fill)) return { warnings: [{ text: '@discordjs/rest no longer fills in FormData as expected: check that it does not load Node\'s undici' }] };
      return { contents: code.replace(fill, ''), loader: 'js' };
    });
  },
};

// Chunk names change with their content: the last build's must not stay beside this one's.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { cli: 'dist/src/cli.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Some packages check a class by its name (node-fetch in grammY: the signal's constructor must be
  // called AbortSignal); without this esbuild renames classes that clash with a global.
  keepNames: true,
  // V8 keeps every script's source in memory for as long as the process runs: without the
  // indentation and comments it is a third smaller, with short local names a quarter smaller again
  // (3.3 → 2.5 MB in all). keepNames above keeps what code and stack traces see of names (functions'
  // and classes' `name`); the source map gives the rest.
  minifyWhitespace: true,
  minifyIdentifiers: true,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  external: [
    // native addons and what is loaded by name at run time (src/log.ts: pino-pretty)
    'better-sqlite3',
    'pg-native',
    'pino-pretty',
    // optional accelerators the packages try and do without
    'bufferutil',
    'utf-8-validate',
    'zlib-sync',
  ],
  // Node's own URL for what node-fetch 2 loads and never uses (scripts/whatwg-url.cjs); nothing for
  // the undici that @discordjs/rest imports and hookbot does not use (scripts/undici.mjs).
  alias: { 'whatwg-url': './scripts/whatwg-url.cjs', undici: './scripts/undici.mjs' },
  // CommonJS packages inside an ES module bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __hookbotRequire } from 'node:module'; const require = __hookbotRequire(import.meta.url);" },
  plugins: [noGlobalFill],
  logLevel: 'warning',
});

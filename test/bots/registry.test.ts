// The registry keeps only declarations in memory until a bot uses a platform: no SDK is imported by
// bots/index.ts or any declaration, and each module matches its declaration.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { botModules } from '../../bots/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every module a file imports at load time (no `import type`, no dynamic import()), transitively. */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)';/gms)) {
    const spec = m[1]!;
    if (!spec.startsWith('.')) {
      seen.add(spec);
      continue;
    }
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (seen.has(target)) continue;
    seen.add(target);
    staticImports(target, seen);
  }
  return seen;
}

describe('the platform registry', () => {
  it('imports no platform SDK until a bot of that platform is configured', () => {
    const loaded = [...staticImports(resolve(root, 'bots/index.ts'))];
    const sdks = loaded.filter((s) => /^(grammy|discord\.js|@discordjs\/|@slack\/|ws$)/.test(s));
    expect(sdks).toEqual([]);
    // Nor any adapter's own code: only declarations and options.
    expect(loaded.filter((f) => /bots\/[^/]+\/(telegram|discord|slack|console)\.ts$/.test(f))).toEqual([]);
  });

  it.each(Object.entries(botModules))('%s: the loaded module is the declared platform', async (name, declared) => {
    const mod = await declared.load();
    expect(mod.platform).toBe(name);
    expect(mod.options).toBe(declared.options);
    expect(mod.capabilities).toBe(declared.capabilities);
    expect(mod.limits).toEqual(declared.limits);
    expect(typeof mod.create).toBe('function');
  });

  it.each(Object.entries(botModules))('%s: declares its capabilities fully', (_name, p) => {
    const c = p.capabilities;
    expect(['many', 'fixed']).toContain(c.chats);
    expect(['html', 'markdown', 'mrkdwn', 'plain']).toContain(c.markup);
    expect(['upload', 'url', 'none']).toContain(c.images);
    expect(c.text.max).toBeGreaterThan(0);
    expect(['chars', 'bytes']).toContain(c.text.unit);
    // A fixed chat has no chat part, so no threads or DMs to address either.
    if (c.chats === 'fixed') expect([c.threads, c.dms]).toEqual([false, false]);
  });
});

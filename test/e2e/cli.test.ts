// The CLI as a user runs it: check, send, and a clean exit on SIGTERM.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnHookbot } from '../helpers/hookbot.js';

function hookbot(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function configFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-cli-'));
  const file = join(dir, 'hookbot.yaml');
  writeFileSync(file, yaml.replaceAll('{{dir}}', dir));
  return file;
}

describe('hookbot CLI', () => {
  // Three CLI runs from TypeScript sources: run together, and given the time a loaded machine needs.
  it('check passes a good config and lists every problem of a bad one, exiting 1', { timeout: 90_000 }, async () => {
    const [good, odd, bad] = await Promise.all([
      hookbot(['check', '-c', 'config/hookbot.example.yaml']),
      hookbot(['check', '-c', configFile('sources:\n  bgi: { format: bettergi, token: a-long-enough-token-123 }\n')]),
      hookbot(['check', '-c', configFile('sources:\n  a: { format: report, token: short }\n  b: { format: report, tokn: x }\nsuperusers: [nobot:1]\n')]),
    ]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/OK \(bots: console; sources: report\)/);
    expect(good.stdout).not.toContain('note:');

    // Valid but probably unintended: said, with exit 0.
    expect(odd.code).toBe(0);
    expect(odd.stdout).toMatch(/note: sources\.bgi: a payload that names no target will be refused/);

    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/sources\.a\.token: is shorter than 16 characters/);
    expect(bad.stderr).toMatch(/sources\.b\.tokn: unknown key: did you mean 'token'\?/);
  });

  it('check names the bad target in the config', async () => {
    const bad = await hookbot(['check', '-c', configFile('bots:\n  console: { platform: console }\nsuperusers: [nobot:1, "console:has space"]\n')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/superusers\[0\]: 'nobot:1': no bot 'nobot'/);
    expect(bad.stderr).toMatch(/superusers\[1\]: 'console:has space'/);
  });

  it('send delivers one message through a bot', async () => {
    const file = configFile('bots:\n  console: { platform: console }\nstore: { sqlite: "{{dir}}/h.db" }\n');
    const r = await hookbot(['send', '-c', file, 'console:ops', 'hello **world**']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('── console:ops ──\nhello world\n');
    expect(r.stdout).toContain('sent to console:ops');
  });

  it('exits 0 on SIGTERM, having said it stopped', async () => {
    const hb = await spawnHookbot({ config: 'server: { port: {{port}}, host: 127.0.0.1 }\nstore: { sqlite: "{{dir}}/h.db" }\n' });
    expect(await hb.stop()).toBe(0);
    expect(hb.logs()).toMatch(/"msg":"stopped"/);
  });

  it('refuses to start with a bad config, naming the key', async () => {
    const r = await hookbot(['start', '-c', configFile('server: { port: "eighty" }\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/server\.port/);
  });
});

describe('hookbot check and custom commands', () => {
  it('names a custom command that clashes with a built-in', async () => {
    const r = await hookbot(['check', '-c', configFile('commands:\n  - { name: status, request: { url: "http://127.0.0.1:1/x" } }\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/commands\[0\]\.name: 'status' is a built-in command/);
  });
});

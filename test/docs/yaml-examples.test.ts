// Every config example in the README and the docs that declares bots is a config `hookbot check`
// accepts, as printed: copied into a file with its ${VARIABLES} set, it loads, and its targets,
// routes and templates check out.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/main.js';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';

const ROOT = new URL('../../', import.meta.url);
const FILES = ['README.md', ...readdirSync(new URL('docs/', ROOT)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Values shaped as each platform checks them; any other variable gets a long enough token. */
const SHAPED: Record<string, string> = {
  TELEGRAM_BOT_TOKEN: '123456789:AAHfakefakefakefakefakefakefakefake1',
  DISCORD_PUBLIC_KEY: 'ab'.repeat(32),
  SLACK_BOT_TOKEN: 'xoxb-0123456789-abcdef',
  SLACK_APP_TOKEN: 'xapp-1-0123456789-abcdef',
  FORWARD_SECRET: 'whsec_' + Buffer.from('an example signing secret, 32 b').toString('base64'),
};
const valueOf = (name: string) => SHAPED[name] ?? (/_PORT$/.test(name) ? '8081' : `example-${name.toLowerCase()}-0123456789`);

interface Block {
  file: string;
  line: number;
  yaml: string;
}

function configBlocks(): Block[] {
  const out: Block[] = [];
  for (const file of FILES) {
    const lines = readFileSync(new URL(file, ROOT), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```ya?ml\s*$/.test(lines[i]!)) continue;
      const start = i + 1;
      while (++i < lines.length && !/^```\s*$/.test(lines[i]!));
      const yaml = lines.slice(start, i).join('\n');
      if (/^bots:/m.test(yaml)) out.push({ file, line: start, yaml });
    }
  }
  return out;
}

const blocks = configBlocks();

describe('config examples in the docs', () => {
  it('finds the robots, QQ and the README examples', () => {
    const where = blocks.map((b) => b.file);
    for (const f of ['README.md', 'docs/robots.md', 'docs/qq.md']) expect(where).toContain(f);
    for (const platform of ['dingtalk', 'feishu', 'wecom', 'webhook', 'onebot']) expect(blocks.some((b) => b.yaml.includes(`platform: ${platform}`)), platform).toBe(true);
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s is a config hookbot check accepts', async (_where, b) => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-docs-'));
    const file = join(dir, 'hookbot.yaml');
    writeFileSync(file, b.yaml);
    const env = Object.fromEntries([...b.yaml.matchAll(/\$\{([A-Z0-9_]+)(?::-[^}]*)?\}/g)].map((m) => [m[1]!, valueOf(m[1]!)]));
    const { bots } = await prepare(file, env, systemClock, createLogger('silent'));
    expect(bots.size).toBeGreaterThan(0);
  });
});

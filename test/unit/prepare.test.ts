// `hookbot check` (prepare without adapters) checks every target without loading a platform's
// module or SDK, and finds the same bad targets as a full start-up.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { botModules } from '../../bots/index.js';
import { systemClock } from '../../src/clock.js';
import { ConfigError } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { prepare } from '../../src/prepare.js';

const BOTS = `
bots:
  telegram: { platform: telegram, token: "123456789:AAHprepareTestTokenForTheFakeApi0123" }
  discord: { platform: discord, token: "ZmFrZS1ib3QtdG9rZW4.fake.discord-bot-token-1234567890", applicationId: "1100000000000000001" }
  slack: { platform: slack, token: xoxb-fake-bot-token-0123456789, appToken: xapp-fake-app-token-0123456789 }
  qq: { platform: onebot, accessToken: onebot-access-token-0123456789 }
`;

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hookbot-prepare-')), 'hookbot.yaml');
  writeFileSync(file, yaml);
  return file;
}

const check = (file: string) => prepare(file, {}, systemClock, createLogger('silent'), { adapters: false });

describe('prepare for check', () => {
  afterEach(() => vi.restoreAllMocks());

  it('loads no platform module for platforms that declare their chat ids', async () => {
    const loads = ['telegram', 'discord', 'slack', 'onebot'].map((p) => vi.spyOn(botModules[p]!, 'load'));
    const file = configFile(`${BOTS}\nsuperusers: ["telegram:123456789", "discord:112233445566778899/112233445566778800", "slack:C0123ABCD", "qq:10001"]\n`);
    const { bots, router } = await check(file);
    expect([...bots.keys()]).toEqual(['telegram', 'discord', 'slack', 'qq']);
    expect(router.expand('slack:C0123ABCD/1700000000.000100', 'group')).toMatchObject([{ bot: 'slack', chat: 'C0123ABCD', thread: '1700000000.000100' }]);
    for (const load of loads) expect(load).not.toHaveBeenCalled();
  });

  it('names each bad target as a full start-up does', async () => {
    const file = configFile(`${BOTS}\nsuperusers: ["telegram:not-a-chat", "discord:42", "slack:lowercase", "qq:x"]\n`);
    const full = await prepare(file, {}, systemClock, createLogger('silent')).then(() => undefined, (e: unknown) => e);
    const checked = await check(file).then(() => undefined, (e: unknown) => e);
    expect(checked).toBeInstanceOf(ConfigError);
    expect((checked as ConfigError).problems).toEqual((full as ConfigError).problems);
    expect((checked as ConfigError).problems.join('\n')).toMatch(/not-a-chat[\s\S]*'42'[\s\S]*lowercase[\s\S]*'x'/);
  });
});

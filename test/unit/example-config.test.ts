// The example config must start as it is, and every option it shows commented out must be valid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { botModules } from '../../bots/index.js';
import { formats } from '../../src/inbound/index.js';

const text = readFileSync(new URL('../../config/hookbot.example.yaml', import.meta.url), 'utf8');
const load = (yaml: string, env: Record<string, string> = {}) => parseConfig(yaml, { env, bots: botModules, formats });

/** Uncomments option lines (`# key: value`), leaving prose comments alone. */
function uncommented(src: string): string {
  return src
    .split('\n')
    .map((line) => {
      const m = /^( {2})# (\s*)([A-Za-z_][\w-]*:.*)$/.exec(line);
      return m && !/schemes:|Security options|Senders, one format/.test(line) ? m[1]! + m[2]! + m[3]! : line;
    })
    .join('\n');
}

const ENV = {
  HOOKBOT_API_TOKEN: 'api-token-0123456789abcdef',
  APPRISE_TOKEN: 'apprise-token-0123456789abcdef',
  TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef',
  TELEGRAM_WEBHOOK_SECRET: 'webhook-secret-0123456789',
  DISCORD_BOT_TOKEN: 'discord-token-0123456789abcdef',
  DISCORD_PUBLIC_KEY: 'a'.repeat(64),
  SLACK_BOT_TOKEN: 'xoxb-0123456789abcdef',
  ONEBOT_TOKEN: 'onebot-example-token-0123456789',
  SLACK_APP_TOKEN: 'xapp-0123456789abcdef',
  SLACK_SIGNING_SECRET: 'signing-secret-0123456789',
  GITHUB_WEBHOOK_SECRET: 'github-secret',
  BGI_TOKEN: 'bgi-token-0123456789abcdef',
  ONELIVE_KEY: 'onelive-key-0123456789ab',
  VOLC_KEY_PRIMARY: 'volc-primary-key',
  VOLC_KEY_SECONDARY: 'volc-secondary-key',
  ALERTS_TOKEN: 'alerts-token-0123456789',
  ANY_TOKEN: 'any-token-0123456789abc',
  DING_TOKEN: 'ding-access-token-0123456789',
  DING_SECRET: 'SEC0123456789abcdef0123456789abcdef',
  FEISHU_HOOK: '0123abcd-4567-89ef-0123-456789abcdef',
  FEISHU_SECRET: 'feishu-secret-0123456789',
  FEISHU_APP_SECRET: 'feishu-app-secret-0123456789',
  WECOM_KEY: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
  UPLOADER_KEY: 'uploader-key-0123456789',
  FORWARD_SECRET: 'whsec_' + Buffer.from('an example signing secret, 32 b').toString('base64'),
  UPLOADER_API_KEY: 'uploader-api-key-0123456789',
};

describe('config/hookbot.example.yaml', () => {
  it('is valid as it is, with the console bot and the report source', () => {
    const c = load(text);
    expect(Object.keys(c.bots)).toEqual(['console']);
    expect(Object.keys(c.sources)).toEqual(['report']);
  });

  it('is valid with every commented option switched on', () => {
    const full = uncommented(text);
    expect(full.split('\n').filter((l) => /^ {2}(telegram|discord|slack|bgi|onelive|volc|alerts|apprise|anything):/.test(l))).toHaveLength(9);
    const c = load(full, ENV);
    expect(Object.keys(c.bots)).toEqual(['console', 'telegram', 'discord', 'slack', 'qq', 'ops-ding', 'ops-feishu', 'ops-wecom', 'uploader']);
    expect(Object.keys(c.sources)).toEqual(['report', 'bgi', 'onelive', 'volc', 'alerts', 'apprise', 'anything']);
  });
});

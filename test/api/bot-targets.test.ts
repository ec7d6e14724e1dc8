// The Bots page's target strings follow each platform's declared capabilities.
import { describe, expect, it } from 'vitest';
import { botModules } from '../../bots/index.js';
import { botTargets } from '../../src/api/bot-targets.js';

const caps = (platform: string) => botModules[platform]!.capabilities;
const named = [
  { name: 'superusers', targets: ['telegram:1001'] },
  { name: 'ops', targets: ['telegram:-1001/42', 'slack:C0123ABCD', 'ding'] },
];

describe('bot targets for the dashboard', () => {
  it.each([
    ['telegram', 'telegram', 'telegram:<chat>[/<thread>] (ask the bot /whoami in a chat for its exact string)', [{ name: 'superusers', target: 'telegram:1001' }, { name: 'ops', target: 'telegram:-1001/42' }]],
    ['slack', 'slack', 'slack:<chat>[/<thread>] (ask the bot /whoami in a chat for its exact string)', [{ name: 'ops', target: 'slack:C0123ABCD' }]],
    ['ding', 'dingtalk', 'ding (this robot is one chat: the bot id is the whole target)', [{ name: 'ding', target: 'ding' }, { name: 'ops', target: 'ding' }]],
    ['hook', 'webhook', undefined, undefined],
  ])('%s (%s)', (id, platform, pattern, targets) => {
    const out = botTargets(id, caps(platform), named);
    if (pattern) expect(out.pattern).toBe(pattern);
    if (targets) expect(out.targets).toEqual(targets);
    // Never a bare `<chat>` shape for a robot that is one chat, never a thread where there are none.
    if (caps(platform).chats === 'fixed') expect(out.pattern).not.toContain('<chat>');
    if (!caps(platform).threads) expect(out.pattern).not.toContain('<thread>');
  });
});

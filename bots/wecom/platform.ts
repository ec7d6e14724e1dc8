// The wecom platform's options and capabilities (see wecom.ts): a robot is one chat, sends only.
import * as z from 'zod';
import type { PlatformDeclaration } from '../../src/bot.js';
import { webhookUrl, robotCapabilities } from '../robot/options.js';

const options = z.strictObject({
  webhook: webhookUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…').refine((s) => new URL(s).searchParams.get('key'), {
    error: 'has no key: copy the whole Webhook address from the robot’s details',
  }),
});
export type WeComOptions = z.output<typeof options>;

export const wecomPlatform: PlatformDeclaration<WeComOptions> = {
  platform: 'wecom',
  options,
  // 20 messages a minute per robot (reference §4.1).
  limits: { bot: { count: 20, perMs: 60_000 } },
  capabilities: robotCapabilities({ text: { max: 4096, unit: 'bytes' }, images: 'upload', secrets: ['webhook'] }),
};

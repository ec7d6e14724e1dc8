// The dingtalk platform's options and capabilities (see dingtalk.ts): a robot is one chat, sends only.
import * as z from 'zod';
import type { PlatformDeclaration } from '../../src/bot.js';
import { minSecret, webhookUrl, robotCapabilities } from '../robot/options.js';

const stringList = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]).transform((v) => (Array.isArray(v) ? v : [v]).map(String));

const options = z.strictObject({
  webhook: webhookUrl('https://oapi.dingtalk.com/robot/send?access_token=…').refine((s) => new URL(s).searchParams.get('access_token'), {
    error: 'has no access_token: copy the whole Webhook URL from the robot’s settings',
  }),
  /** 加签: the robot's `SEC…` secret. */
  secret: minSecret('DingTalk robot secret (SEC…)').optional(),
  /** 自定义关键词: a keyword the robot requires, put in every message's title. */
  keyword: z.string().min(1).optional(),
  /** @mention these members on every message: phone numbers or DingTalk user ids. */
  atMobiles: stringList.default([]),
  atUserIds: stringList.default([]),
  atAll: z.boolean().default(false),
});
export type DingTalkOptions = z.output<typeof options>;

export const dingtalkPlatform: PlatformDeclaration<DingTalkOptions> = {
  platform: 'dingtalk',
  options,
  // 20 messages a minute per robot; past it DingTalk throttles the robot for 10 minutes (reference §2.5).
  limits: { bot: { count: 20, perMs: 60_000 } },
  capabilities: robotCapabilities({ text: { max: 18_000, unit: 'bytes' }, images: 'url', secrets: ['webhook', 'secret'] }),
};

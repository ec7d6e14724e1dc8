// The feishu platform's options and capabilities (see feishu.ts): a robot is one chat, sends only.
import * as z from 'zod';
import type { PlatformDeclaration } from '../../src/bot.js';
import { minSecret, webhookUrl, robotCapabilities } from '../robot/options.js';

export const HOOK = /\/open-apis\/bot\/v2\/hook\/([^/?#]+)/;

const options = z.strictObject({
    webhook: webhookUrl('https://open.feishu.cn/open-apis/bot/v2/hook/…').refine((s) => HOOK.test(new URL(s).pathname), {
      error: 'is not a bot webhook: it ends in /open-apis/bot/v2/hook/<token>; copy it from the bot’s settings',
    }),
    /** 签名校验: the bot's secret. */
    secret: minSecret('Feishu bot secret').optional(),
    /** 自定义关键词: a keyword the bot requires, put in every message's title. */
    keyword: z.string().min(1).optional(),
    /** `post` rich text (default) or an interactive `card`. */
    format: z.enum(['post', 'card']).default('post'),
    /** A self-built app with the bot capability, to upload screenshots (image_key). */
    appId: z.string().min(1).optional(),
    appSecret: minSecret('Feishu app secret').optional(),
    /** Where the app API is; default: the webhook's own origin (open.feishu.cn or open.larksuite.com). */
    apiRoot: z.string().url().optional(),
});
export type FeishuOptions = z.output<typeof options>;

export const feishuPlatform: PlatformDeclaration<FeishuOptions> = {
  platform: 'feishu',
  options,
  // 5 a second and 100 a minute per bot (reference §3.6), both held.
  limits: { bot: [{ count: 5, perMs: 1000 }, { count: 100, perMs: 60_000 }] },
  capabilities: robotCapabilities({ text: { max: 18_000, unit: 'bytes' }, images: 'upload', secrets: ['webhook', 'secret', 'appSecret'] }),
};

// Option pieces the robots share: a webhook URL (it may point anywhere: the platform, a self-hosted
// proxy, a test fake) whose secret part is registered for masking, and the secret-key check.
import * as z from 'zod';
import type { Capabilities } from '../../src/bot.js';

export const webhookUrl = (example: string) =>
  z
    .string({ error: `must be the robot's webhook URL, e.g. ${example}` })
    .refine((s) => {
      try {
        return /^https?:$/.test(new URL(s).protocol);
      } catch {
        return false;
      }
    }, { error: `is not an http(s) URL: paste the robot's webhook URL, e.g. ${example}` });

export const minSecret = (what: string) =>
  z.string({ error: `must be a string: put the ${what} in quotes or in an environment variable` }).min(8, { error: `is too short to be a ${what}: paste it whole` });

/**
 * What every group robot (DingTalk, Feishu, WeCom) can do: it is one chat, sends markdown, takes no
 * commands; they differ in their text limit, how they show images and which options are secret.
 */
export function robotCapabilities(own: Pick<Capabilities, 'text' | 'images' | 'secrets'>): Capabilities {
  return { chats: 'fixed', dms: false, threads: false, markup: 'markdown', commands: false, ...own };
}

// The webhook platform's options and capabilities (see webhook.ts): a robot is one chat, sends only.
import * as z from 'zod';
import type { PlatformDeclaration } from '../../src/bot.js';
import { webhookUrl } from '../robot/options.js';

const options = z.strictObject({
  url: webhookUrl('http://127.0.0.1:5000/webhook?key=…'),
  /** Standard Webhooks signing secret: `whsec_` and base64 of 24 to 64 random bytes. */
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, { error: 'is not a Standard Webhooks secret: write whsec_ and base64 of 24-64 random bytes, e.g. the output of `echo whsec_$(openssl rand -base64 32)`' })
    .optional(),
  /** raw (the sender's payload, default) | notice (hookbot's notice as JSON) | a Liquid template. */
  body: z.string().default('raw'),
  /** Extra request headers (e.g. Authorization for the receiver). */
  headers: z.record(z.string(), z.string()).default({}),
});
export type WebhookOptions = z.output<typeof options>;

export const webhookPlatform: PlatformDeclaration<WebhookOptions> = {
  platform: 'webhook',
  options,
  // The receiver is the user's own: no limit unless the config sets one.
  limits: {},
  capabilities: {
    chats: 'fixed',
    dms: false,
    threads: false,
    markup: 'plain',
    text: { max: Number.POSITIVE_INFINITY, unit: 'bytes' },
    images: 'none',
    commands: false,
    secrets: ['url', 'secret'],
    forwardsPayload: true,
  },
};

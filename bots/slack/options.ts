// Options of a `platform: slack` bot, validated at the edge (zod). Error texts say how to fix it.
import * as z from 'zod';
import { secret } from '../../src/config.js';
import { proxyOption } from '../../src/kit/proxy.js';

export const slackOptions = z.strictObject({
  /** Bot token (xoxb-…): OAuth & Permissions in the app's settings. */
  token: secret('bot token').regex(/^xox[bp]-/, { error: "is not a Slack bot token: it starts with 'xoxb-' (OAuth & Permissions)" }),
  /** App-level token (xapp-…) with connections:write: turns on Socket Mode, the default way to take commands. */
  appToken: secret('app-level token').regex(/^xapp-/, { error: "is not an app-level token: it starts with 'xapp-' (Basic Information → App-Level Tokens)" }).optional(),
  /** Signing secret: HTTP mode (Slack posts to /slack/events on this server), used when there is no appToken. */
  signingSecret: secret('signing secret').optional(),
  /** Where HTTP mode listens. Each Slack bot in HTTP mode needs its own path. */
  eventsPath: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, { error: "must be a path such as '/slack/events'" }).default('/slack/events'),
  /** The slash command set up in the app (`/hookbot status`). */
  command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/, { error: "must be a slash command such as '/hookbot'" }).default('/hookbot'),
  /** Web API base URL (the client's slackApiUrl): a reverse proxy, or a test server. */
  apiRoot: z.string().url({ error: 'must be an absolute URL such as https://slack.com/api/' }).optional(),
  /** Proxy for all Slack traffic: http://, https://, socks5:// or socks5h://. */
  proxy: proxyOption.optional(),
  /** Per-request timeout for Web API calls. */
  timeoutMs: z.number().int().positive().default(30_000),
});
export type SlackOptions = z.output<typeof slackOptions>;

// Options of a `platform: discord` bot entry (merged with the options every bot has, in src/config.ts).
import * as z from 'zod';
import { secret } from '../../src/config.js';
import { proxyOption } from '../../src/kit/proxy.js';

const snowflake = (what: string) =>
  z
    .union([z.string(), z.number()])
    // A number this large is already rounded by YAML: refuse it rather than use the wrong id.
    .refine((v) => typeof v === 'string', { error: `must be a string: quote the ${what} ("1234…"), numbers this long lose digits in YAML` })
    .transform(String)
    .refine((v) => /^\d{17,20}$/.test(v), { error: `is not a Discord ${what}: copy it from the Developer Portal or with /whoami (17-20 digits)` });

export const discordOptions = z.strictObject({
  token: secret('bot token'),
  /** Developer Portal → General Information → Application ID. */
  applicationId: snowflake('application id'),
  /** Register the commands in this server only: they show up at once (global ones can take a while). */
  guildId: snowflake('server (guild) id').optional(),
  /** Developer Portal → General Information → Public Key; needed for `interactions: http`. */
  publicKey: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { error: 'must be the 64 hex characters shown as "Public Key" in the Developer Portal' })
    .optional(),
  /** `gateway`: commands over a WebSocket (no public URL needed). `http`: Discord POSTs to /discord/interactions. */
  interactions: z.enum(['gateway', 'http']).default('gateway'),
  apiRoot: z
    .string()
    .url({ error: 'must be an absolute URL, e.g. https://discord.com/api' })
    .refine((v) => !v.endsWith('/'), { error: "remove the trailing '/' from apiRoot" })
    .refine((v) => !/\/v\d+$/.test(v), { error: 'leave the version out of apiRoot (it is added: /v10), e.g. https://discord.com/api' })
    .default('https://discord.com/api'),
  /** http://, https://, socks5:// or socks5h:// — used for REST calls. */
  proxy: proxyOption.optional(),
  /** Per-request timeout. */
  timeoutMs: z.number().int().positive().default(15_000),
});
export type DiscordOptions = z.output<typeof discordOptions>;

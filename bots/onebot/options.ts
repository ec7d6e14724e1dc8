// Options of a `platform: onebot` bot (QQ through NapCat, Lagrange.OneBot or go-cqhttp).
import * as z from 'zod';
import { secret } from '../../src/config.js';
import { proxyOption } from '../../src/kit/proxy.js';

export const onebotOptions = z.strictObject({
  /** The implementation's HTTP server (NapCat `httpServers`), e.g. http://127.0.0.1:3000. Without it, messages go over the reverse WebSocket. */
  url: z
    .string()
    .url({ error: 'must be the OneBot HTTP server URL, e.g. http://127.0.0.1:3000 (NapCat: network → httpServers)' })
    .refine((u) => /^https?:\/\//i.test(u), { error: 'must be an http:// or https:// URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** The token set in NapCat (`token`) or Lagrange (`AccessToken`): sent as Bearer, required of the reverse WebSocket. */
  accessToken: secret('access token'),
  /** The bot's QQ number: a reverse WebSocket whose X-Self-ID differs is refused. */
  selfId: z
    .union([z.string(), z.number()])
    .transform(String)
    .refine((v) => /^\d{5,12}$/.test(v), { error: 'must be the bot account’s QQ number (5-12 digits)' })
    .optional(),
  /** Where hookbot serves the reverse WebSocket (NapCat `websocketClients` url, Lagrange `Suffix`). */
  path: z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, { error: "must be a path such as '/onebot/v11/ws'" }).default('/onebot/v11/ws'),
  /** http://, https://, socks5:// or socks5h:// for the HTTP API. */
  proxy: proxyOption.optional(),
  /** How long to wait for QQ to confirm a send. NapCat may take 14 s or more and still deliver. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** At least this long between two messages to one chat, command replies included (QQ's risk control counts both). */
  chatGapMs: z.number().int().min(0).default(1000),
  /** Longer text goes as several messages; long messages are what QQ's risk control flags. */
  maxChars: z.number().int().min(100).max(4500).default(1500),
});
export type OnebotOptions = z.output<typeof onebotOptions>;

/** The chat part of a target: a QQ number (send_to) or a group number (send_to_group). */
export function parseQQChat(raw: string): { chat: string } {
  if (!/^\d{5,12}$/.test(raw.trim())) {
    throw new Error(`'${raw}' is not a QQ chat: use a QQ number for a person or a group number for a group, e.g. 10001 or 123456789 (/whoami in the chat shows it)`);
  }
  return { chat: raw.trim() };
}

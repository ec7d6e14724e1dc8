// The console bot's options and capabilities (see console.ts).
import * as z from 'zod';
import type { PlatformDeclaration } from '../../src/bot.js';

const consoleOptions = z.strictObject({
  /** Append to this file instead of stdout. Each line is JSON, and a delivery is written once. */
  output: z.string().optional(),
  /** Read chat commands from stdin (`/whoami`, `/status`), as user `console`. */
  stdin: z.boolean().default(false),
});
export type ConsoleOptions = z.output<typeof consoleOptions>;

export const consolePlatform: PlatformDeclaration<ConsoleOptions> = {
  platform: 'console',
  options: consoleOptions,
  limits: {},
  capabilities: {
    chats: 'many',
    dms: true,
    threads: true,
    markup: 'plain',
    text: { max: Number.POSITIVE_INFINITY, unit: 'chars' },
    images: 'none',
    // Its stdin commands come from whoever runs the process, not from chat users with ids to allow.
    commands: false,
    secrets: [],
  },
};

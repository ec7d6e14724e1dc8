// The console bot reads commands from stdin and prints the replies as a reader would see them.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsoleBot } from '../../../bots/console/console.js';
import type { BotHost } from '../../../src/bot.js';
import { ManualClock } from '../../../src/clock.js';

describe('console bot commands', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints a reply without markup or escapes', async () => {
    const stdin = new PassThrough();
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(stdin as never);
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
    const host = {
      onCommand: async () => ({ text: '**Commands**\n/recent \\[source\\] \\[n\\] — to\\_group `a_b` _(admin)_' }),
    } as unknown as BotHost;
    const bot = new ConsoleBot('console', { stdin: true }, { clock: new ManualClock(0) } as never);
    await bot.start(host);
    stdin.write('/help\n');
    await vi.waitFor(() => expect(out.join('')).toContain('Commands'));
    await bot.stop();
    expect(out.join('')).toBe('Commands\n/recent [source] [n] — to_group a_b (admin)\n');
  });
});

// hookbot started in the test's own process (startHookbot, as `hookbot start` runs it) from a YAML
// config written to a fresh directory: the real receiver, store, worker and adapters, with the
// test's clock and a silent logger, on a free port of 127.0.0.1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';
import { startHookbot, type Hookbot } from '../../src/main.js';

export interface InProcessHookbot {
  hb: Hookbot;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The directory the config (and whatever it names under {{dir}}) is in. */
  dir: string;
  /** Stops hookbot and removes the directory. */
  stop(): Promise<void>;
}

/**
 * `config` is the YAML after `server:` (which this fills in: port 0 on 127.0.0.1); `{{dir}}` in it
 * is replaced by the directory, for the store and other files.
 */
export async function startInProcess(config: string, opts: { clock?: Clock; prefix?: string } = {}): Promise<InProcessHookbot> {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'hookbot-in-process-'));
  const file = join(dir, 'hookbot.yaml');
  writeFileSync(file, `server: { port: 0, host: 127.0.0.1 }\n${config.replaceAll('{{dir}}', dir)}`);
  try {
    const hb = await startHookbot({ configFile: file, env: {}, logger: createLogger('silent'), clock: opts.clock });
    return {
      hb,
      url: `http://127.0.0.1:${hb.port}`,
      dir,
      stop: async () => {
        await hb.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

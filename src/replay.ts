// `hookbot replay <source> [n] [--dry-run]`: runs the last n captured payloads of a source through
// the pipeline again, so a user sees what a new sender posts and what hookbot makes of it.
// Captures have their secrets redacted, so a replay starts after the guard, at the format parser.
import type { Command } from 'commander';
import { mask } from './log.js';
import type { Capture, Store } from './store/store.js';

export interface ReplayDeps {
  store: Store;
  /**
   * Runs one captured payload from the format parser on. With `dryRun` nothing is committed or
   * sent: the answer is the rendered message(s). Returns text to show; throws when the payload is
   * refused (its message is shown and the replay goes on with the next).
   */
  ingestCaptured(source: string, capture: Capture, dryRun: boolean): Promise<string>;
  /** The configured source names, so a typo is told apart from a source with no captures. */
  sources?: string[];
}

export interface ReplayOptions {
  source: string;
  n: number;
  dryRun: boolean;
  out: (line: string) => void;
}

export interface ReplayResult {
  replayed: number;
  failed: number;
}

export const MAX_REPLAY = 1000;

export async function runReplay(deps: ReplayDeps, o: ReplayOptions): Promise<ReplayResult> {
  checkCount(o.n);
  if (deps.sources && !deps.sources.includes(o.source)) {
    throw new Error(`no source '${o.source}' is configured (have: ${deps.sources.join(', ') || 'none'})`);
  }
  // Oldest first, as they arrived: a sender's events often only make sense in order.
  const captures = (await deps.store.captures(o.source, o.n)).sort((a, b) => a.at - b.at || a.id - b.id);
  if (captures.length === 0) {
    o.out(`no captured payloads for source '${o.source}': post one to it first (and check its 'capture' option is not 0)`);
    return { replayed: 0, failed: 0 };
  }
  let failed = 0;
  for (const c of captures) {
    o.out(`#${c.id} from ${new Date(c.at).toISOString()} (first time: ${c.outcome})`);
    try {
      const result = await deps.ingestCaptured(o.source, c, o.dryRun);
      o.out(indent(result));
    } catch (e) {
      failed++;
      o.out(indent(`failed: ${mask((e as Error)?.message ?? String(e))}`));
    }
  }
  const done = captures.length - failed;
  o.out(`replayed ${done} of ${captures.length} payload${captures.length === 1 ? '' : 's'} of '${o.source}'${o.dryRun ? ' (dry run: nothing was stored or sent)' : ''}`);
  return { replayed: done, failed };
}

function checkCount(n: number | string): void {
  const v = typeof n === 'string' ? (/^\d+$/.test(n) ? Number(n) : NaN) : n;
  if (!Number.isInteger(v) || v < 1 || v > MAX_REPLAY) throw new Error(`n must be a whole number from 1 to ${MAX_REPLAY}, not '${n}'`);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');
}

export type OpenReplay = (configFile: string | undefined) => Promise<ReplayDeps & { close(): Promise<void> }>;

/** Adds `replay` to the CLI. `open` loads the config and builds the pipeline (src/main.ts). */
export function registerReplay(program: Command, open: OpenReplay, write: (s: string) => void = (s) => process.stdout.write(s)): Command {
  return program
    .command('replay')
    .description('run the last captured payloads of a source through the pipeline again')
    .argument('<source>', 'a source name from the config')
    .argument('[n]', 'how many of the latest payloads', '1')
    .option('-c, --config <file>', 'config file')
    .option('--dry-run', 'print the rendered messages instead of storing and sending them')
    .action(async (source: string, n: string, o: { config?: string; dryRun?: boolean }) => {
      let deps: Awaited<ReturnType<OpenReplay>> | undefined;
      try {
        checkCount(n);
        deps = await open(o.config);
        const r = await runReplay(deps, { source, n: Number(n), dryRun: Boolean(o.dryRun), out: (l) => write(l + '\n') });
        if (r.failed > 0) process.exitCode = 1;
      } catch (e) {
        process.stderr.write(`hookbot replay: ${mask((e as Error)?.message ?? String(e))}\n`);
        process.exitCode = 1;
      } finally {
        await deps?.close();
      }
    });
}

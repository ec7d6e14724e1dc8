// `hookbot volcengine register | describe | delete | rotate`: hookbot as the Live callback receiver
// of a push domain, from the command line (reference/volcengine-openapi.md §7).
import type { Command } from 'commander';
import type { Config } from '../config.js';
import type { ConfigObjectStore } from '../store/config-objects.js';
import { VolcengineError, VolcUsageError } from './errors.js';
import { checkTypes, describe, DEFAULT_TYPES, formatViews, register, remove, rotate, type Target } from './manage.js';
import { volcService } from './service.js';
import type { Clock } from '../clock.js';

export interface VolcCliContext {
  config: Config;
  objects: ConfigObjectStore;
  clock: Clock;
  /** The file's sources plus those stored through the API. */
  source(name: string): { format: string; keys?: string[] } | undefined;
  /** Waits until running instances have picked up stored keys. */
  settle(): Promise<void>;
  out(line: string): void;
  close(): Promise<void>;
}

interface Flags {
  config?: string;
  domain: string;
  app?: string;
  byDomain?: boolean;
  types?: string;
  publicUrl?: string;
}

export function registerVolcengine(program: Command, open: (configFile: string | undefined) => Promise<VolcCliContext>): void {
  const volc = program.command('volcengine').description('register hookbot as the Volcengine Live callback receiver of a push domain (火山引擎 视频直播 回调)');
  const common = (c: Command) =>
    c
      .argument('<source>', 'a source of format volcengine')
      .requiredOption('--domain <domain>', 'the push domain (sent as Vhost)')
      .option('--app <app>', 'the app name (AppName); default: every app')
      .option('--by-domain', 'send the domain as Domain rather than Vhost (no --app then)')
      .option('--types <list>', `message types, comma-separated (default ${DEFAULT_TYPES.join(',')})`)
      .option('--public-url <url>', "hookbot's address as Volcengine reaches it (default server.publicUrl)")
      .option('-c, --config <file>', 'config file');

  const run = (name: string, what: (ctx: VolcCliContext, deps: ReturnType<typeof volcService>['deps'], source: string, t: Target) => Promise<string>) =>
    async (source: string, f: Flags) => {
      let ctx: VolcCliContext | undefined;
      try {
        ctx = await open(f.config);
        const svc = volcService({ config: ctx.config, objects: ctx.objects, clock: ctx.clock, source: ctx.source, publicUrl: f.publicUrl, by: 'cli', settle: ctx.settle });
        svc.checkSource(source);
        const t: Target = { domain: f.domain, app: f.app, byDomain: f.byDomain, types: f.types ? checkTypes(f.types.split(',').map((s) => s.trim()).filter(Boolean)) : undefined };
        ctx.out(await what(ctx, svc.deps, source, t));
        await ctx.close();
        process.exit(0);
      } catch (e) {
        await ctx?.close().catch(() => {});
        if (e instanceof VolcengineError || e instanceof VolcUsageError) {
          process.stderr.write(`hookbot volcengine ${name}: ${e.message}\n`);
          process.exit(1);
        }
        throw e;
      }
    };

  common(volc.command('register').description('point the domain\'s callbacks (UpdateCallback per type) at the source, signed with its key')).action(
    run('register', async (_c, deps, source, t) => `registered ${deps.callbackUrl(source)}\n${formatViews(await register(deps, source, t), source)}`),
  );
  common(volc.command('describe').description('show what Volcengine holds for the domain and whether it points at this hookbot')).action(
    run('describe', async (_c, deps, source, t) => formatViews(await describe(deps, source, t), source)),
  );
  common(volc.command('delete').description("take this hookbot's URL out of the domain's callbacks")).action(
    run('delete', async (_c, deps, source, t) => {
      const gone = await remove(deps, source, t);
      return gone.length ? `removed ${deps.callbackUrl(source)} from ${gone.join(', ')}` : `no callback of the domain points at ${deps.callbackUrl(source)}`;
    }),
  );
  common(volc.command('rotate').description('a new signing key: accepted first, then registered; the old key stays accepted as secondary')).action(
    run('rotate', async (_c, deps, source, t) => `rotated the signing key of ${source}\n${formatViews(await rotate(deps, source, t), source)}`),
  );
}

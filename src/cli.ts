// `hookbot start | check | send | replay`
// Each command imports what it needs when it runs: `--version` and `check` must answer at once,
// without loading the store, the server or a platform SDK they do not use.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from './config.js';
import { createLogger, mask } from './log.js';
import { registerVolcengine } from './volcengine/cli.js';
import { systemClock } from './clock.js';
import { registerReplay } from './replay.js';
import { EXAMPLE_CONFIG, VERSION } from './package-root.js';

/** -c, else $HOOKBOT_CONFIG, else config/hookbot.yaml, else the example (console bot only). */
export function resolveConfigPath(given: string | undefined, env = process.env): string {
  if (given) return given;
  if (env['HOOKBOT_CONFIG']) return env['HOOKBOT_CONFIG'];
  if (existsSync('config/hookbot.yaml')) return 'config/hookbot.yaml';
  return existsSync('config/hookbot.example.yaml') ? 'config/hookbot.example.yaml' : EXAMPLE_CONFIG;
}

const STOP_TIMEOUT_MS = 45_000;

function fail(e: unknown): never {
  if (e instanceof ConfigError) process.stderr.write(mask(e.message) + '\n');
  else process.stderr.write(`hookbot: ${mask((e as Error)?.message ?? String(e))}\n`);
  process.exit(1);
}

const program = new Command().name('hookbot').description('Webhooks in, chat messages out.').version(VERSION);

program
  .command('start')
  .description('run the receiver, the worker and the bots')
  .option('-c, --config <file>', 'config file')
  .action(async (o: { config?: string }) => {
    const file = resolveConfigPath(o.config);
    const logger = createLogger(process.env['HOOKBOT_LOG_LEVEL'] ?? 'info', undefined, process.env['HOOKBOT_LOG_FORMAT'] || 'auto');
    if (file.endsWith('hookbot.example.yaml')) logger.warn(`using ${file}: copy it to config/hookbot.yaml and set your own tokens`);
    process.on('unhandledRejection', (e) => logger.error({ err: String(e) }, 'unhandled rejection (kept running)'));
    // Every error leaves through the logger, masked, as a JSON line; nothing is printed raw.
    process.on('uncaughtException', (e) => {
      logger.fatal({ err: e }, 'uncaught exception: stopping');
      process.exit(1);
    });
    process.removeAllListeners('warning');
    process.on('warning', (w) => logger.warn({ warning: w.name, error: w.message }, 'node warning'));
    // Whoever reads our output may be gone (a closed pipe): that is no reason to stop delivering.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    // Signals are handled from the first moment: one that comes while starting stops us once started.
    const { startHookbot } = await import('./main.js');
    let bot: Awaited<ReturnType<typeof startHookbot>> | undefined;
    let stopRequested = false;
    const stop = () => {
      // A send that never returns must not keep the process alive for ever.
      setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
      void bot!
        .stop()
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    };
    // SIGHUP re-reads the config file; a broken one is logged and the running config kept.
    process.on('SIGHUP', () => void bot?.reload().catch(() => {}));
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        stopRequested = true;
        if (bot) stop();
      });
    }
    try {
      bot = await startHookbot({ configFile: file, logger });
    } catch (e) {
      fail(e);
    }
    if (stopRequested) stop();
  });

program
  .command('check')
  .description('validate a config file and list every problem')
  .option('-c, --config <file>', 'config file')
  .action(async (o: { config?: string }) => {
    const file = resolveConfigPath(o.config);
    try {
      // Checking needs no adapter: platforms that declare their chat ids are not loaded, nor their SDKs.
      const { prepare } = await import('./prepare.js');
      const { config, bots, advice } = await prepare(file, process.env, systemClock, createLogger('silent'), { adapters: false });
      process.stdout.write(`${file}: OK (bots: ${[...bots.keys()].join(', ')}; sources: ${Object.keys(config.sources).join(', ') || 'none'})\n`);
      // Valid, so exit 0; but say what looks unintended.
      for (const a of advice) process.stdout.write(`  note: ${a}\n`);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('send')
  .description('send a message now, straight through a bot (to try a token or a chat id)')
  .argument('<target>', '<bot>:<chat>[/<thread>], a bare id for the default bot, or a people/groups name')
  .argument('<text>', 'the text, in hookbot markup (**bold**, _italic_, `code`, [label](url))')
  .option('-c, --config <file>', 'config file')
  .option('--user', 'the target is a user (Discord and Slack open a DM)')
  .action(async (target: string, text: string, o: { config?: string; user?: boolean }) => {
    try {
      const [{ prepare }, { parseMarkup }] = await Promise.all([import('./prepare.js'), import('./render/markup.js')]);
      const { router, bots } = await prepare(resolveConfigPath(o.config), process.env, systemClock, createLogger('warn'));
      const kind = o.user ? 'user' : 'group';
      for (const t of router.expand(target, kind)) {
        const bot = bots.get(t.bot)!;
        await bot.send({ chat: t.chat, thread: t.thread, kind }, { body: parseMarkup(text), fields: [], level: 'info', source: 'cli', event: 'cli.send', time: new Date().toISOString(), silent: false }, { signal: AbortSignal.timeout(30_000), key: `cli${Date.now()}` });
        process.stdout.write(`sent to ${t.bot}:${t.chat}${t.thread ? '/' + t.thread : ''}\n`);
      }
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('migrate')
  .description('apply the store migrations not applied yet (they also run at start), then exit')
  .option('-c, --config <file>', 'config file')
  .action(async (o: { config?: string }) => {
    try {
      const { prepare } = await import('./prepare.js');
      const { openStore } = await import('./store/open.js');
      const { config } = await prepare(resolveConfigPath(o.config), process.env, systemClock, createLogger('silent'), { adapters: false });
      const store = await openStore(config.store, systemClock, undefined, { listen: false });
      await store.close();
      process.stdout.write(`store is up to date (${config.store.postgres !== undefined ? 'postgres' : 'sqlite'})\n`);
      process.exit(0);
    } catch (e) {
      fail(e);
    }
  });

registerReplay(program, async (file) => {
  const [{ prepare }, { plainText }, { openStore }, { Ingest }, { formats }] = await Promise.all([
    import('./prepare.js'),
    import('./render/markup.js'),
    import('./store/open.js'),
    import('./ingest.js'),
    import('./inbound/index.js'),
  ]);
  const logger = createLogger('warn');
  const { config, router, renderer } = await prepare(resolveConfigPath(file), process.env, systemClock, logger);
  const store = await openStore(config.store, systemClock);
  // No guards: captured payloads were checked when they came in, and their secrets are gone.
  const ingest = new Ingest({ config, formats, router, store, guards: new Map(), clock: systemClock, logger });
  const show = (n: Parameters<typeof renderer.render>[0]) => {
    const m = renderer.render(n);
    return [m.title, plainText(m.body), ...m.fields.map((f) => `${f.name}: ${f.value}`), m.image ? '[image]' : undefined].filter(Boolean).join('\n');
  };
  return {
    store,
    sources: Object.keys(config.sources),
    ingestCaptured: (source, capture, dryRun) => ingest.replayCapture(source, capture, dryRun, show),
    close: () => store.close(),
  };
});

registerVolcengine(program, async (file) => {
  const [{ prepare, CONFIG_POLL_MS }, { openConfigObjects }] = await Promise.all([import('./prepare.js'), import('./store/open-config-objects.js')]);
  const { config } = await prepare(resolveConfigPath(file), process.env, systemClock, createLogger('warn'), { adapters: false });
  const objects = await openConfigObjects(config.store);
  const stored = new Map((await objects.list('source')).map((o) => [o.name, o.body as { format: string; keys?: string[] }]));
  return {
    config,
    objects,
    clock: systemClock,
    source: (name) => (Object.hasOwn(config.sources, name) ? (config.sources[name] as { format: string; keys?: string[] }) : stored.get(name)),
    // Running instances read stored keys on their next poll.
    settle: () => new Promise((r) => setTimeout(r, 2 * CONFIG_POLL_MS + 200)),
    out: (line) => process.stdout.write(line + '\n'),
    close: () => objects.close(),
  };
});

await program.parseAsync(process.argv);

// The only place that wires things together: config → store → bots → commands → worker → server.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { botModules } from '../bots/index.js';
import { previews } from '../bots/previews.js';
import type { BotAdapter, BotHost } from './bot.js';
import { systemClock, type Clock } from './clock.js';
import { ConfigError, type Config, type SourceConfig } from './config.js';
import { formats } from './inbound/index.js';
import type { Ingest } from './ingest.js';
import { createLogger } from './log.js';
import { Metrics } from './metrics.js';
import { healthReport, type StoreHealth } from './health-report.js';
import { carryOverLimits, RateLimiter } from './ratelimit.js';
import type { Locale } from './render/render.js';
import { createServer } from './server.js';
import { createListener } from './http/listener.js';
import { openStore } from './store/open.js';
import { startPruning } from './store/prune.js';
import type { Store } from './store/store.js';
import { Worker } from './worker.js';
import { Ownership } from './ownership.js';
import { newInstanceId } from './instance.js';
import { createCommandPlane } from './commands/plane.js';
import { LiveConfig } from './runtime/live.js';
import { openConfigObjects, openEventQuery } from './store/open-config-objects.js';
import { volcChat } from './volcengine/chat.js';
import { MediaLinks, mediaKey } from './media.js';
import { Sessions } from './web/session.js';
import { VERSION } from './package-root.js';
import { CONFIG_POLL_MS, prepare } from './prepare.js';
import { systemTimeZone } from './i18n/time.js';

export { CONFIG_POLL_MS, VERSION, prepare };

export interface StartOptions {
  configFile: string;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  logger?: Logger;
}

export interface Hookbot {
  config: Config;
  http: Server;
  port: number;
  store: Store;
  ingest: Ingest;
  bots: Map<string, BotAdapter>;
  stop(): Promise<void>;
  /** Re-reads the config file (SIGHUP); a broken file is refused (ConfigError) and the running config kept. */
  reload(): Promise<void>;
  live: LiveConfig;
}

export async function startHookbot(opts: StartOptions): Promise<Hookbot> {
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? systemClock;
  const boot = opts.logger ?? createLogger(env['HOOKBOT_LOG_LEVEL'] ?? 'info', undefined, env['HOOKBOT_LOG_FORMAT'] || 'auto');
  const { config, bots, advice } = await prepare(opts.configFile, env, clock, boot);
  const logger = opts.logger ?? createLogger(env['HOOKBOT_LOG_LEVEL'] ?? config.log.level, undefined, env['HOOKBOT_LOG_FORMAT'] || config.log.format);
  for (const a of advice) logger.warn(`config: ${a}`);
  const store = await openStore(config.store, clock, newInstanceId(), { logger: logger.child({ part: 'store' }) });
  // What /healthz says, read by /metrics too (defined below, once the worker exists).
  const metrics = new Metrics(store, bots, () => health());

  // The file plus what was created through /api/v1, rebuilt when either changes.
  const objects = await openConfigObjects(config.store);
  let worker: Worker | undefined;
  const live = new LiveConfig({ configFile: opts.configFile, env, botModules, formats, bots, store, objects, clock, logger, onCommitted: () => worker?.committed(), forwardsRaw: (id) => botModules[(config.bots[id] as { platform: string } | undefined)?.platform ?? '']?.capabilities.forwardsPayload === true });
  await live.open();
  const { ingest, renderer } = live;

  const limiter = new RateLimiter((id) => {
    const b = config.bots[id] as { platform: string; limits?: object } | undefined;
    const defaults = b ? botModules[b.platform]?.limits ?? {} : {};
    return { ...defaults, ...(b?.limits ?? {}) };
  }, clock);
  const localeOf = (source: string): Locale => {
    const c = live.current.config;
    return ((c.sources[source] as SourceConfig | undefined)?.locale ?? c.locale) as Locale;
  };

  const media = config.server.publicUrl ? new MediaLinks(config.server.publicUrl, mediaKey(config), store, clock) : undefined;
  let ownership: Ownership | undefined;
  // The store failing (a commit or an acknowledgement that cannot be recorded) shows in /healthz.
  let storeHealth: StoreHealth = { state: 'ok', since: new Date(clock.now()).toISOString() };
  worker = new Worker({
    store,
    bots,
    renderer,
    limiter,
    clock,
    logger: logger.child({ part: 'worker' }),
    localeOf,
    options: config.worker,
    onOutcome: (o, bot) => metrics.outcome(o, bot),
    mediaUrl: media && ((id) => media.url(id)),
    owned: () => ownership?.owned() ?? [],
    onStoreHealth: (problem) => {
      storeHealth = { state: problem ? 'failing' : 'ok', reason: problem, since: new Date(clock.now()).toISOString() };
      if (problem) logger.error({ reason: problem }, 'STORE FAILING: deliveries wait until it works again');
      else logger.info('the store works again');
    },
  });

  const health = () =>
    healthReport({
      now: clock.now(),
      version: VERSION,
      bots,
      store: storeHealth,
      failing: worker?.failingBots() ?? [],
      stuck: worker?.stuckChats() ?? [],
      mine: ownership && ((bot) => ownership!.owned().includes(bot)),
      ownership: ownership?.owners(),
    });

  const startedAt = clock.now();
  const plane = createCommandPlane({
    config,
    store,
    bots,
    submit: (notice, targets) => ingest.commit(notice, undefined, targets),
    clock,
    logger: logger.child({ part: 'commands' }),
    version: VERSION,
    startedAt,
    volcengine: volcChat(() => ({ config: live.current.config, objects, clock, source: (name) => (Object.hasOwn(live.current.config.sources, name) ? (live.current.config.sources[name] as { format: string; keys?: string[] }) : undefined) })),
  });

  // Another instance picks up stored keys on its next poll: wait that long before relying on them.
  const settle = async () => {
    await live.refresh(true);
    await new Promise((r) => setTimeout(r, 2 * CONFIG_POLL_MS + 200));
  };
  const events = await openEventQuery(config.store, store);
  // Built with the Koa app, at the first request that is not a webhook or a probe (server.ts).
  const api = async () => {
    const [{ createApi }, { createApiV1 }] = await Promise.all([import('./api.js'), import('./api/v1.js')]);
    const router = createApi({ store, bots, clock, version: VERSION, startedAt, onRetry: () => worker?.kick() });
    router.use('/v1', createApiV1({ live, objects, store, events, bots, botModules, formats, clock, version: VERSION, startedAt, settle, kick: () => worker?.kick(), previews }).router.routes());
    return router;
  };
  const stopWatching = live.watch(CONFIG_POLL_MS);

  const { handler, mount, mountWebSocket, upgrade, closeSockets } = createServer({
    config,
    ingest,
    logger,
    health,
    metrics: () => metrics.render(),
    onWebhook: (source, status) => metrics.webhook(source, status),
    media,
    api,
    sessions: new Sessions({ apiToken: config.server.apiToken, password: config.server.dashboardPassword, now: () => clock.now() }),
    // The dashboard shows times in the configured zone (as notices do), following a reload.
    sessionInfo: () => ({ locale: live.current.config.locale, timezone: live.current.config.timezone ?? systemTimeZone(), version: VERSION }),
  });

  const http = createListener(config.server, handler, logger.child({ part: 'http' }));
  // WebSocket endpoints adapters mount (OneBot's reverse WebSocket) are served on the same port.
  http.on('upgrade', upgrade);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.server.port, config.server.host, () => resolve());
  });
  const port = (http.address() as { port: number }).port;

  const hostOf = (id: string): BotHost => ({
    onCommand: async (cmd) => {
      const reply = await plane.handle(cmd);
      if (['mute', 'unmute'].includes(cmd.name)) ingest.mutesChanged();
      if (cmd.name === 'retry') worker?.kick();
      return reply;
    },
    commands: () => plane.commandsFor(id),
    admins: () => plane.adminsFor(id),
    mount,
    mountWebSocket,
  });
  // A bot is started (polled) only by the instance that owns it; on one SQLite store that is this one.
  ownership = new Ownership({
    store,
    bots: [...bots.keys()],
    clock,
    logger: logger.child({ part: 'ownership' }),
    exclusiveStore: config.store.sqlite !== undefined,
    onGain: async (id) => {
      // The previous owner's recent sends count against the limits here too (a takeover must not burst).
      await carryOverLimits(limiter, store, id, clock).catch((e) => logger.warn({ bot: id, err: String(e) }, 'could not read the recent sends of the bot; its limits start empty'));
      try {
        await bots.get(id)!.start(hostOf(id));
      } catch (e) {
        // One broken bot must not take the others down: its deliveries wait until it works.
        logger.error({ bot: id, err: String(e) }, 'bot could not start; its deliveries are held');
      }
      await worker?.takeOver();
    },
    onLose: (id) => {
      // Another instance sends for it now: this one's view of its platform is stale.
      worker?.forgetBot(id);
      return bots.get(id)!.stop();
    },
  });
  store.onWork?.(() => worker?.kick());
  store.onBotsReleased?.(() => void ownership?.wake());
  await ownership.start();
  await worker.start();
  const stopPruning = startPruning(store, config.store.retention, clock, logger.child({ part: 'store' }));
  logger.info({ port, bots: [...bots.keys()], sources: Object.keys(config.sources) }, `hookbot ${VERSION} listening on port ${port}`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping: no new requests; finishing the sends in flight');
      const closed = new Promise<void>((r) => http.close(() => r()));
      http.closeIdleConnections();
      await worker!.stop();
      // Stops every bot this instance owns and hands them over at once.
      // A platform that hangs must not hold the exit either (a last call that never answers).
      let bounded: NodeJS.Timeout | undefined;
      await Promise.race([ownership!.stop(), new Promise((r) => (bounded = setTimeout(r, config.worker.stopTimeoutMs)))]);
      clearTimeout(bounded);
      closeSockets();
      await stopPruning();
      stopWatching();
      http.closeAllConnections();
      await closed;
      await store.close();
      await objects.close();
      await events.close();
      logger.info('stopped');
    })());

  const reload = async () => {
    try {
      await live.reload();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      logger.error({ problems: e.problems }, 'the config file was not reloaded: fix it and send SIGHUP again; the running config is kept');
      throw e;
    }
  };

  return { config, http, port, store, ingest, bots, stop, reload, live };
}

// The configuration in force: the YAML file plus the objects stored through /api/v1, compiled into
// a router, a renderer and a receiving pipeline. Rebuilt without a restart when the store's objects
// change (here or on another instance) or the file is reloaded (SIGHUP, POST /api/v1/reload); a
// config that does not validate is refused and the running one kept.
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { BotAdapter, PlatformDeclaration } from '../bot.js';
import type { Clock } from '../clock.js';
import { ConfigError, loadConfig, type Config, type SourceConfig } from '../config.js';
import type { InboundFormat } from '../inbound/format.js';
import { createSourceGuard, type SourceGuard } from '../auth/guard.js';
import { Ingest } from '../ingest.js';
import { Renderer } from '../render/render.js';
import { systemTimeZone } from '../i18n/time.js';
import { Router } from '../router.js';
import { commandRegistry } from '../commands/plane.js';
import type { Store } from '../store/store.js';
import type { ConfigObjectStore, StoredObject } from '../store/config-objects.js';
import { fileNames, overlay } from './overlay.js';
import { registerConfigSecrets } from './secrets.js';

export interface LiveDeps {
  configFile: string;
  env: Record<string, string | undefined>;
  botModules: Record<string, PlatformDeclaration>;
  formats: Record<string, InboundFormat>;
  /** The running bots: started once, not rebuilt. */
  bots: Map<string, BotAdapter>;
  store: Store;
  objects: ConfigObjectStore;
  clock: Clock;
  logger: Logger;
  onCommitted?: () => void;
  /** Whether a bot posts the sender's raw payload on (the outbound webhook bot): the event then keeps it. */
  forwardsRaw?: (bot: string) => boolean;
}

export interface Compiled {
  config: Config;
  router: Router;
  renderer: Renderer;
  ingest: Ingest;
  /** The file's contents (after ${ENV}), to tell its objects from stored ones. */
  fileRaw: Record<string, unknown>;
}

export class LiveConfig {
  current!: Compiled;
  private version = -1;
  /** Always the current pipeline, for those wired once at start (server, command plane). */
  readonly ingest: Ingest = delegate(() => this.current.ingest);
  readonly renderer: Renderer = delegate(() => this.current.renderer);

  constructor(private readonly deps: LiveDeps) {}

  /** Builds from the file and the stored objects; stored objects that no longer fit are skipped and logged. */
  async open(): Promise<void> {
    this.version = await this.deps.objects.version();
    const stored = await this.deps.objects.list();
    try {
      this.current = this.compile(stored);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const fits = stored.filter((o) => {
        try {
          this.compile(stored.filter((x) => x.kind === 'volcKeys' || x === o));
          return true;
        } catch (err) {
          this.deps.logger.error({ object: `${o.kind}/${o.name}`, problems: (err as ConfigError).problems }, `stored ${o.kind} '${o.name}' no longer fits the config file and is not used: fix or delete it through /api/v1`);
          return false;
        }
      });
      this.current = this.compile(fits);
    }
  }

  /** Validates a change to the stored objects as the whole config; throws ConfigError. */
  async check(stored: StoredObject[]): Promise<void> {
    this.compile(stored);
  }

  /** Applies the stored objects again when they changed (here or on another instance). */
  async refresh(force = false): Promise<boolean> {
    const v = await this.deps.objects.version();
    if (!force && v === this.version) return false;
    this.version = v;
    try {
      this.current = this.compile(await this.deps.objects.list());
      return true;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.deps.logger.error({ problems: e.problems }, 'the stored configuration does not validate; the running one is kept');
      return false;
    }
  }

  /** Re-reads the file (SIGHUP, POST /api/v1/reload). Throws ConfigError and keeps running on a broken file. */
  async reload(): Promise<void> {
    const next = this.compile(await this.deps.objects.list());
    this.current = next;
    this.deps.logger.info({ sources: Object.keys(next.config.sources) }, 'configuration reloaded');
  }

  /** Whether the file defines this object (then it is read-only through the API). */
  inFile(kind: 'source' | 'template' | 'person' | 'group', name: string): boolean {
    return fileNames(this.current.fileRaw)[kind].has(name);
  }

  /** Polls the store for changes made elsewhere; returns the stop function. */
  watch(everyMs: number): () => void {
    const t = setInterval(() => void this.refresh().catch((e) => this.deps.logger.warn({ err: String(e) }, 'could not read the stored configuration')), everyMs);
    t.unref();
    return () => clearInterval(t);
  }

  private compile(stored: StoredObject[]): Compiled {
    const d = this.deps;
    let fileRaw: Record<string, unknown> = {};
    const config = loadConfig(d.configFile, { env: d.env, bots: d.botModules, formats: d.formats, overlay: (raw) => overlay((fileRaw = raw), stored) });
    // As at start: with no platform configured, the console bot.
    if (Object.keys(config.bots).length === 0 && d.bots.has('console')) (config.bots as Record<string, unknown>)['console'] = { platform: 'console', admins: [], aliases: [], stdin: false };
    if (this.current && !isDeepStrictEqual(config.bots, this.current.config.bots)) {
      throw new ConfigError(['bots: bots start once: restart hookbot to add, remove or change a bot (nothing was changed)'], d.configFile);
    }
    const router = new Router(config, d.bots, (id) => d.botModules[(config.bots[id] as { platform: string } | undefined)?.platform ?? '']?.capabilities);
    const renderer = new Renderer(config.templates, d.formats, config.locale, (source) => (config.sources[source] as SourceConfig | undefined)?.timezone ?? config.timezone ?? systemTimeZone());
    const problems = [...router.checkConfig(), ...renderer.check()];
    try {
      commandRegistry(config);
    } catch (e) {
      problems.push(...(e instanceof ConfigError ? e.problems : [(e as Error).message]));
    }
    if (problems.length) throw new ConfigError(problems, d.configFile);
    registerConfigSecrets(config);
    const guards = new Map<string, SourceGuard>();
    for (const [name, s] of Object.entries(config.sources) as [string, SourceConfig][]) {
      guards.set(name, createSourceGuard(name, s, { clock: d.clock, trustProxies: config.server.trustProxies, tokenFields: d.formats[s.format]?.tokenFields }));
    }
    const ingest = new Ingest({ config, formats: d.formats, router, store: d.store, guards, clock: d.clock, logger: d.logger, onCommitted: d.onCommitted, forwardsRaw: d.forwardsRaw });
    return { config, router, renderer, ingest, fileRaw };
  }
}

// A stand-in that forwards every call to whatever `get` returns now, so the server and the worker,
// wired once, always use the current pipeline. A method is bound once per pipeline, not at every
// access: the webhook route reads several on each request.
function delegate<T extends object>(get: () => T): T {
  let boundTo: T | undefined;
  let bound = new Map<PropertyKey, { fn: unknown; bound: unknown }>();
  return new Proxy({} as T, {
    get(_t, p) {
      const target = get();
      const v = Reflect.get(target, p, target);
      if (typeof v !== 'function') return v;
      if (target !== boundTo) {
        boundTo = target;
        bound = new Map();
      }
      let b = bound.get(p);
      if (!b || b.fn !== v) bound.set(p, (b = { fn: v, bound: v.bind(target) }));
      return b.bound;
    },
  });
}

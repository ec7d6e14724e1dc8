// YAML + ${ENV} → zod → typed Config. Every error names the key path and says how to fix it.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import * as z from 'zod';
import ms from 'ms';
import type { PlatformDeclaration } from './bot.js';
import type { InboundFormat } from './inbound/format.js';
import { sourceSecurityShape, trustProxiesSchema } from './auth/options.js';
import { parseBytes } from './util/bytes.js';
import { serverLimitsShape } from './http/limits.js';
import { LEVELS } from './notice.js';
import { volcengineSchema } from './volcengine/config.js';
import { closest, didYouMean, known } from './didyoumean.js';
import { isTimeZone } from './i18n/time.js';

/** An IANA zone name; a bad one names the nearest real zone. */
const timeZone = z.string().superRefine((v, ctx) => {
  if (isTimeZone(v)) return;
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  ctx.addIssue({ code: 'custom', message: `unknown time zone '${v}'${didYouMean(v, [...zones, 'UTC'])}: write an IANA name such as Asia/Shanghai, Europe/Berlin or UTC` });
});

export class ConfigError extends Error {
  constructor(readonly problems: string[], readonly file?: string) {
    super(`${file ? file + ': ' : ''}invalid configuration:\n` + problems.map((p) => '  - ' + p).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Secrets must be long enough that guessing is hopeless. */
export const secret = (what = 'token') =>
  z
    .string({ error: `must be a string: put the ${what} in quotes or in an environment variable` })
    .min(16, { error: `is shorter than 16 characters: use a long random ${what} (e.g. \`openssl rand -hex 24\`)` });

const size = z
  .union([z.number().int().positive(), z.string()])
  .transform((v, ctx) => {
    const n = parseBytes(v);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `is not a size: write a number of bytes or e.g. "1mb", "10mb"` });
      return z.NEVER;
    }
    return n;
  });

/** How long finished events are kept: a duration ("30d", "12h"), or 0 / "forever" to keep them all. */
const retention = z.union([z.literal(0), z.string()]).transform((v, ctx) => {
  if (v === 0 || v === 'forever') return 0;
  const n = ms(v as ms.StringValue) as number | undefined;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 3600_000) {
    ctx.addIssue({ code: 'custom', message: `is not a duration of an hour or more: write e.g. "30d" or "12h", or "forever"` });
    return z.NEVER;
  }
  return Math.round(n);
});
const DEFAULT_RETENTION_MS = 30 * 24 * 3600_000;

const stringList = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
  .transform((v) => (Array.isArray(v) ? v : [v]).map(String));

const rate = z.strictObject({ count: z.number().int().positive(), perMs: z.number().int().positive(), minGapMs: z.number().int().nonnegative().optional() });
const rates = z.union([rate, z.array(rate).min(1)]);
const limitsSchema = z.strictObject({ user: rates.optional(), group: rates.optional(), bot: rates.optional() });

/** Options every bot has, whatever its platform. */
export const botCommonShape = {
  /** User ids allowed to run admin commands. Empty = nobody (deny by default). */
  admins: stringList.default([]),
  /**
   * User ids (besides admins) that may run the commands that read state (status, recent, failed,
   * mutes); `*` = everyone. Without it only admins may: those show chat ids and payloads.
   */
  users: stringList.optional(),
  /** Other names payloads use for this bot in `send_from` (e.g. the account id a sender was set up with). */
  aliases: stringList.default([]),
  limits: limitsSchema.optional(),
};

/** Options every source has, whatever its format. */
export const sourceCommonShape = {
  token: secret().optional(),
  /** Several tokens at once, for rotation. */
  tokens: z.array(secret()).optional(),
  /** Accept requests without a token. Refused unless said explicitly. */
  public: z.boolean().default(false),
  bodyLimit: size.optional(),
  locale: z.enum(['en', 'zh-CN']).optional(),
  /** The zone this sender's times without an offset are in (BetterGI's); default the top-level one. */
  timezone: timeZone.optional(),
  to: stringList.optional(),
  to_group: stringList.optional(),
  from: z.union([z.string(), z.number()]).transform(String).optional(),
  silent: z.boolean().optional(),
  /** A bad target in a payload refuses it with 400, instead of delivering elsewhere with a warning. */
  strictTargets: z.boolean().default(false),
  /** Raw payloads kept for `recent` and `hookbot replay`. */
  capture: z.number().int().min(0).default(20),
  ...sourceSecurityShape,
};

const templateSchema = z.union([z.string(), z.strictObject({ title: z.string().optional(), text: z.string().optional() })]);

const routeSchema = z.strictObject({
  match: z
    .strictObject({
      source: z.string().optional(),
      event: z.string().optional(),
      level: z.union([z.enum(LEVELS), z.array(z.enum(LEVELS))]).optional(),
    })
    .default({}),
  to: stringList.optional(),
  to_group: stringList.optional(),
  silent: z.boolean().optional(),
  /** Stop at this route when it matches (later routes are not looked at). */
  stop: z.boolean().default(false),
});

const customCommandSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, { error: 'must be 1-32 lower-case letters, digits or _, starting with a letter' }),
  description: z.string().default(''),
  admin: z.boolean().default(true),
  request: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: z.string().url({ error: 'must be an absolute URL, e.g. http://127.0.0.1:8000/api/run' }),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  }),
  reply: z.string().optional(),
});

export function buildConfigSchema(bots: Record<string, PlatformDeclaration>, formats: Record<string, InboundFormat>) {
  const botSchemas = Object.values(bots).map((m) =>
    z.strictObject({
      platform: z.literal(m.platform),
      ...botCommonShape,
      ...(m.options as z.ZodObject).shape,
    }),
  );
  const sourceSchemas = Object.values(formats).map((f) =>
    z.strictObject({
      format: z.literal(f.name),
      ...sourceCommonShape,
      ...((f.options as z.ZodObject | undefined)?.shape ?? {}),
    }),
  );
  // One schema per platform / format, told apart by `platform` / `format`, so an error names
  // the options of the one the entry is.
  const union = (key: 'platform' | 'format', list: z.ZodObject[]) => (list.length === 1 ? list[0]! : z.discriminatedUnion(key, list as [z.ZodObject, ...z.ZodObject[]]));

  return z.strictObject({
    server: z
      .strictObject({
        // coerce: a port often comes from ${PORT}, which is a string.
        port: z.coerce.number().int().min(0).max(65535).default(8080),
        host: z.string().default('0.0.0.0'),
        apiToken: secret('API token').optional(),
        /** Another secret that signs in to the dashboard (the API token always does). */
        dashboardPassword: secret('dashboard password').optional(),
        bodyLimit: size.default(1024 * 1024),
        /** Proxies whose X-Forwarded-For is believed (CIDR or address). */
        trustProxies: trustProxiesSchema.default([]),
        /** hookbot's address as chat platforms reach it: robots that take images only by URL link /media/<id> here. */
        publicUrl: z
          .string()
          .url({ error: 'must be an absolute http(s) URL, e.g. https://hookbot.example.com' })
          .refine((u) => /^https?:\/\//.test(u), { error: 'must start with http:// or https://' })
          .optional(),
        /** Signs the /media links; default: derived from the config's other secrets. */
        mediaSecret: secret('media secret').optional(),
        ...serverLimitsShape,
      })
      .prefault({}),
    // One object rather than a union of { sqlite } and { postgres }, so an error names its key.
    store: z
      .strictObject({ sqlite: z.string().optional(), postgres: z.string().optional(), retention: retention.default(DEFAULT_RETENTION_MS) })
      .superRefine((s, ctx) => {
        if ((s.sqlite === undefined) === (s.postgres === undefined))
          ctx.addIssue({ code: 'custom', message: 'give exactly one of sqlite (a file path) or postgres (a connection URL)' });
        // Said by `check` too, not only when start connects.
        else if (s.postgres !== undefined && !/^postgres(ql)?:\/\/[^/]/.test(s.postgres))
          ctx.addIssue({ code: 'custom', path: ['postgres'], message: 'write a connection URL: postgres://user:password@host:5432/database' });
      })
      .default({ sqlite: './data/hookbot.db', retention: DEFAULT_RETENTION_MS }),
    log: z
      .strictObject({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
        /** auto: readable lines on a terminal, JSON otherwise; HOOKBOT_LOG_FORMAT overrides it. */
        format: z.enum(['auto', 'pretty', 'json']).default('auto'),
      })
      .default({ level: 'info', format: 'auto' }),
    locale: z.enum(['en', 'zh-CN']).default('en'),
    /** The IANA zone times are shown in (and senders' naive times read in); default the system's. */
    timezone: timeZone.optional(),
    bots: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, { error: 'bot ids are lower-case letters, digits, - and _' }), union('platform', botSchemas)).default({}),
    defaultBot: z.string().optional(),
    superusers: stringList.default([]),
    people: z.record(z.string(), stringList).default({}),
    groups: z.record(z.string(), stringList).default({}),
    sources: z.record(z.string().regex(/^[a-zA-Z0-9_-]+$/, { error: 'source names are letters, digits, - and _' }), union('format', sourceSchemas)).default({}),
    routes: z.array(routeSchema).default([]),
    templates: z.record(z.string(), templateSchema).default({}),
    worker: z
      .strictObject({
        concurrency: z.number().int().min(1).max(256).default(32),
        // 20 attempts with the default backoff retry for about two hours: a platform outage of that
        // long loses nothing before anyone can look (then /failed and /retry).
        maxAttempts: z.number().int().min(1).default(20),
        baseDelayMs: z.number().int().positive().default(2000),
        maxDelayMs: z.number().int().positive().default(15 * 60_000),
        pollMs: z.number().int().positive().default(250),
        sendTimeoutMs: z.number().int().positive().default(30_000),
        // At SIGTERM, how long the sends in flight are waited for before they are aborted (they stay pending).
        stopTimeoutMs: z.number().int().positive().default(10_000),
      })
      .default({ concurrency: 32, maxAttempts: 20, baseDelayMs: 2000, maxDelayMs: 15 * 60_000, pollMs: 250, sendTimeoutMs: 30_000, stopTimeoutMs: 10_000 }),
    commands: z.array(customCommandSchema).default([]),
    volcengine: volcengineSchema.optional(),
  });
}

export type Config = z.output<ReturnType<typeof buildConfigSchema>>;
export type BotConfig = Config['bots'][string] & { platform: string; admins: string[]; users?: string[]; aliases: string[] };
export type SourceConfig = z.output<z.ZodObject<typeof sourceCommonShape>> & { format: string } & Record<string, unknown>;
export type RouteConfig = Config['routes'][number];
export type CustomCommand = Config['commands'][number];

export interface LoadOptions {
  env: Record<string, string | undefined>;
  bots: Record<string, PlatformDeclaration>;
  formats: Record<string, InboundFormat>;
  /**
   * Adds to the file's contents (after ${ENV} substitution) before validation: the objects created
   * at run time through /api/v1, so they are checked exactly as the file is.
   */
  overlay?: (raw: Record<string, unknown>) => Record<string, unknown>;
}

/** Reads, substitutes ${ENV}, validates and cross-checks a config file. Throws ConfigError listing every problem. */
export function loadConfig(file: string, opts: LoadOptions): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([`cannot read the config file: ${(e as Error).message}`], file);
  }
  return parseConfig(text, opts, file);
}

export function parseConfig(text: string, opts: LoadOptions, file?: string): Config {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) throw new ConfigError([yamlProblem(doc.errors, text)], file);
  const raw = doc.toJS() ?? {};
  const problems: string[] = [];
  // A key whose variable is unset already has its problem: its empty value being "too short" is noise.
  const unset = new Set<string>();
  const fromFile = substituteEnv(raw, opts.env, [], problems, unset);
  const substituted = opts.overlay && fromFile && typeof fromFile === 'object' && !Array.isArray(fromFile) ? opts.overlay(fromFile as Record<string, unknown>) : fromFile;
  const result = buildConfigSchema(opts.bots, opts.formats).safeParse(substituted);
  if (!result.success) problems.push(...result.error.issues.filter((i) => i.code === 'unrecognized_keys' || !unset.has(fmtPath(i.path))).map((i) => describeIssue(i, substituted, opts)));
  if (problems.length) throw new ConfigError(problems, file);
  const config = result.data!;
  const cross = crossCheck(config, opts);
  if (cross.length) throw new ConfigError(cross, file);
  return config;
}

// The first syntax error: the ones after it mostly follow from it (one unquoted ${…} in a flow map
// gives dozens). The commonest cause gets its fix.
function yamlProblem(errors: readonly { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }[], text: string): string {
  const first = errors[0]!;
  const line = first.linePos ? (text.split('\n')[first.linePos[0].line - 1] ?? '') : '';
  const hint = /[{[].*(?<!["'])\$\{/.test(line) ? `: in a flow map or list ({ … } or [ … ]) put \${…} in quotes, e.g. token: "\${BGI_TOKEN}"` : '';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more YAML error${errors.length > 2 ? 's' : ''} after it)` : '';
  return `YAML: ${(first.message.split('\n')[0] ?? '').replace(/:$/, '')}${hint}${more}`;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}/g;

/** Replaces ${NAME} references; an unset one is a problem, and its key path goes into `unset`. */
function substituteEnv(v: unknown, env: LoadOptions['env'], path: (string | number)[], problems: string[], unset: Set<string>): unknown {
  if (typeof v === 'string') {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?\}$/.exec(v);
    const lookup = (name: string, def: string | undefined) => {
      const val = env[name];
      if (val !== undefined && val !== '') return val;
      if (def !== undefined) return def;
      unset.add(fmtPath(path));
      problems.push(`${fmtPath(path)}: environment variable ${name} is not set: export it, or give a default with \${${name}:-value}`);
      return '';
    };
    if (whole) {
      return lookup(whole[1]!, whole[2]);
    }
    return v.replace(ENV_REF, (_m, name: string, def: string | undefined) => lookup(name, def));
  }
  if (Array.isArray(v)) return v.map((x, i) => substituteEnv(x, env, [...path, i], problems, unset));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substituteEnv(x, env, [...path, k], problems, unset)]));
  }
  return v;
}

export function fmtPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : '.' + String(p))).join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, opts: LoadOptions): string {
  const where = fmtPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path, root, opts);
    return issue.keys
      .map((k) => {
        const hint = closest(k, known);
        return `${where === '(top level)' ? k : where + '.' + k}: unknown key: ${hint ? `did you mean '${hint}'?` : 'remove it'}${known.length ? ` (known keys: ${known.join(', ')})` : ''}`;
      })
      .join('\n  - ');
  }
  if (issue.code === 'invalid_union' && (issue as { note?: string }).note === 'No matching discriminator') {
    // `format: betterGI` or `platform: telgram`: name the value, the nearest known one, and the list.
    const { discriminator, options } = issue as unknown as { discriminator: string; options: unknown[] };
    const names = options.map(String);
    const value = valueAt(root, issue.path);
    const what = discriminator === 'platform' ? 'platform' : discriminator;
    if (value === undefined || value === null || value === '') return `${where}: missing: give the ${what}, one of ${names.join(', ')}`;
    return `${where}: unknown ${what} '${String(value)}'${didYouMean(String(value), names)} ${known(names, 'known', 50)}`;
  }
  return `${where}: ${issue.message}`;
}

// The keys valid where an unknown key was found, for the "did you mean" hint: the common ones,
// plus those of the bot's platform or the source's format.
function knownKeysAt(path: readonly PropertyKey[], root: unknown, opts: LoadOptions): string[] {
  const shapeKeys = (t: unknown) => Object.keys((t as z.ZodObject | undefined)?.shape ?? {});
  const entry = (section: string) => ((root as Record<string, Record<string, Record<string, unknown>>>)?.[section]?.[String(path[1])] ?? {}) as Record<string, unknown>;
  if (path.length === 0) return ['server', 'store', 'log', 'locale', 'timezone', 'bots', 'defaultBot', 'superusers', 'people', 'groups', 'sources', 'routes', 'templates', 'worker', 'commands', 'volcengine'];
  if (path[0] === 'server' && path.length === 1) return ['port', 'host', 'apiToken', 'dashboardPassword', 'bodyLimit', 'trustProxies', 'publicUrl', 'mediaSecret', ...Object.keys(serverLimitsShape)];
  if (path[0] === 'worker' && path.length === 1) return ['concurrency', 'maxAttempts', 'baseDelayMs', 'maxDelayMs', 'pollMs', 'sendTimeoutMs', 'stopTimeoutMs'];
  if (path[0] === 'sources' && path.length === 2) {
    const format = opts.formats[String(entry('sources')['format'])];
    return ['format', ...Object.keys(sourceCommonShape), ...shapeKeys(format?.options)];
  }
  if (path[0] === 'bots' && path.length === 2) {
    const mod = opts.bots[String(entry('bots')['platform'])];
    return ['platform', ...Object.keys(botCommonShape), ...shapeKeys(mod?.options)];
  }
  return [];
}

/** Checks that need the whole config: references between sections. */
function crossCheck(c: Config, _opts: LoadOptions): string[] {
  const out: string[] = [];
  const botIds = Object.keys(c.bots);
  for (const id of botIds) if (id === 'people' || id === 'groups') out.push(`bots.${id}: '${id}' is reserved for aliases: name the bot something else`);
  if (c.defaultBot && !c.bots[c.defaultBot]) out.push(`defaultBot: no bot '${c.defaultBot}' in bots${didYouMean(c.defaultBot, botIds)} ${known(botIds)}`);
  for (const [name, s] of Object.entries(c.sources)) {
    const src = s as SourceConfig;
    if (!src.public && !src.token && !(src.tokens && src.tokens.length) && !hasOtherAuth(src)) {
      out.push(`sources.${name}: no token: set 'token' (16+ characters), or 'public: true' if anyone may post to it`);
    }
  }
  return out;
}

// A source that proves itself another way needs no token: a signature (src/auth) or Volcengine's
// signing keys.
function hasOtherAuth(src: SourceConfig): boolean {
  return Boolean(src['signature'] || src['keys']);
}

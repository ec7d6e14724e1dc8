import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/worker.js';
import { ConfigError, parseConfig } from '../../src/config.js';
import { botModules } from '../../bots/index.js';
import { formats } from '../../src/inbound/index.js';

const load = (yaml: string, env: Record<string, string> = {}) => parseConfig(yaml, { env, bots: botModules, formats });
function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    load(yaml, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('substitutes ${ENV} and ${ENV:-default}', () => {
    const c = load('server:\n  port: ${PORT:-9000}\nsources:\n  r: { format: report, token: "${TOK}" }\n', { TOK: 'a-long-enough-token-123' });
    expect(c.server.port).toBe(9000);
    expect((c.sources['r'] as any).token).toBe('a-long-enough-token-123');
  });

  it.each([
    ['an unknown top-level key, with a suggestion', 'sourcse: {}', /sourcse: unknown key: did you mean 'sources'\?/],
    ['an unknown source key', 'sources:\n  r: { format: report, token: a-long-enough-token-123, tokn: x }', /sources\.r\.tokn: unknown key: did you mean 'token'\?/],
    ['a short token', 'sources:\n  r: { format: report, token: short }', /sources\.r\.token: is shorter than 16 characters/],
    ['a source without a token', 'sources:\n  r: { format: report }', /sources\.r: no token: set 'token'.*'public: true'/],
    ['a missing env var', 'sources:\n  r: { format: report, token: "${NOPE}" }', /sources\.r\.token: environment variable NOPE is not set/],
    ['an unknown format', 'sources:\n  r: { format: nope, token: a-long-enough-token-123 }', /sources\.r\.format/],
    ['a format in the wrong case, with a suggestion', 'sources:\n  bgi: { format: betterGI, token: a-long-enough-token-123 }', /^sources\.bgi\.format: unknown format 'betterGI': did you mean 'bettergi'\? \(known: .*bettergi.*\)$/],
    ['a misspelt platform, with a suggestion', 'bots:\n  tg: { platform: telgram, token: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ" }', /^bots\.tg\.platform: unknown platform 'telgram': did you mean 'telegram'\? \(known: .*telegram.*\)$/],
    ['a source without a format', 'sources:\n  bgi: { token: a-long-enough-token-123 }', /^sources\.bgi\.format: missing: give the format, one of .*bettergi/],
    ['a bad port', 'server: { port: 70000 }', /server\.port/],
    ['a misspelt time zone', 'timezone: Asia/Shangai', /^timezone: unknown time zone 'Asia\/Shangai': did you mean 'Asia\/Shanghai'\?: write an IANA name/],
    ['a bad time zone on a source', 'sources:\n  bgi: { format: bettergi, token: a-long-enough-token-123, timezone: CST+8 }', /^sources\.bgi\.timezone: unknown time zone 'CST\+8'/],
    ['an unknown defaultBot', 'defaultBot: tg', /defaultBot: no bot 'tg'/],
    ['a misspelt defaultBot, with a suggestion', 'bots:\n  console: { platform: console }\ndefaultBot: consol', /defaultBot: no bot 'consol' in bots: did you mean 'console'\? \(have: console\)/],
    ['YAML syntax', 'a: [1, 2', /YAML/],
    ['a PostgreSQL store that is not a URL', 'store: { postgres: "db.example:5432" }', /store\.postgres: write a connection URL: postgres:\/\/user:password@host:5432\/database/],
    ['a retention that is not a duration', 'store: { sqlite: x.db, retention: soon }', /store\.retention: is not a duration of an hour or more/],
  ])('reports %s with the key path', (_what, yaml, re) => {
    expect(problems(yaml).join('\n')).toMatch(re);
  });

  it.each([
    ['', 30 * 24 * 3600_000],
    ['store: { sqlite: x.db, retention: 7d }', 7 * 24 * 3600_000],
    ['store: { sqlite: x.db, retention: forever }', 0],
  ])('reads store retention from %j', (yaml, want) => {
    expect(load(yaml).store.retention).toBe(want);
  });

  it('an unset variable is one problem, not also a short or malformed value', () => {
    const p = problems('bots:\n  tg: { platform: telegram, token: "${TELEGRAM_BOT_TOKEN}" }\nsources:\n  r: { format: report, token: "${NOPE}" }');
    expect(p).toEqual([
      'bots.tg.token: environment variable TELEGRAM_BOT_TOKEN is not set: export it, or give a default with ${TELEGRAM_BOT_TOKEN:-value}',
      'sources.r.token: environment variable NOPE is not set: export it, or give a default with ${NOPE:-value}',
    ]);
  });

  it('an unquoted ${…} in a flow map is one YAML problem that says to quote it', () => {
    const p = problems('sources:\n  bgi: { format: bettergi, token: ${BGI_TOKEN} }\n  rec: { format: onelive, token: ${ONELIVE_KEY} }\n');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^YAML: .*line 2, column \d+: in a flow map or list .* put \$\{…\} in quotes, e\.g\. token: "\$\{BGI_TOKEN\}" \(and \d+ more YAML errors after it\)$/);
  });

  it('retries a failing delivery for hours by default before dead-lettering it', () => {
    const w = load('').worker;
    const span = (random: () => number) => Array.from({ length: w.maxAttempts - 1 }, (_, i) => backoffMs(i + 1, w.baseDelayMs, w.maxDelayMs, random)).reduce((a, b) => a + b, 0);
    expect(span(() => 0)).toBeGreaterThan(80 * 60_000); // the shortest, with all jitter against it
    expect(span(() => 1)).toBeLessThan(3 * 3600_000);
  });

  it('lists every problem, not only the first', () => {
    const p = problems('sources:\n  a: { format: report, token: short }\n  b: { format: report, token: short2 }\nserver: { port: -1 }');
    expect(p.length).toBeGreaterThanOrEqual(3);
  });

  it('accepts a public source without a token', () => {
    expect(() => load('sources:\n  r: { format: report, public: true }')).not.toThrow();
  });
});

describe('config hints', () => {
  it.each([
    ['a platform option', 'bots:\n  c: { platform: console, outptu: x }', /bots\.c\.outptu: unknown key: did you mean 'output'\?/],
    ['a format option', 'sources:\n  v: { format: volcengine, kyes: [a] }', /sources\.v\.kyes: unknown key: did you mean 'keys'\?/],
    ['a security option', 'sources:\n  r: { format: report, token: a-long-enough-token-123, allowIp: [127.0.0.1] }', /sources\.r\.allowIp: unknown key: did you mean 'allowIps'\?/],
  ])('suggests %s', (_what, yaml, re) => {
    expect(problems(yaml).join('\n')).toMatch(re);
  });
});

describe('bot limits', () => {
  it('take one rate or a list of rates that all hold at once', () => {
    const c = load('bots:\n  s: { platform: slack, token: xoxb-0123456789abcdef, appToken: xapp-0123456789abcdef, limits: { group: [{ count: 5, perMs: 1000 }, { count: 100, perMs: 60000 }], user: { count: 1, perMs: 1000 } } }');
    expect((c.bots['s'] as any).limits).toEqual({ group: [{ count: 5, perMs: 1000 }, { count: 100, perMs: 60_000 }], user: { count: 1, perMs: 1000 } });
  });

  it('refuse an empty list and a rate without perMs, naming the key', () => {
    const base = 'bots:\n  s: { platform: slack, token: xoxb-0123456789abcdef, appToken: xapp-0123456789abcdef, limits: { group: LIMIT } }';
    expect(problems(base.replace('LIMIT', '[]')).join('\n')).toMatch(/bots\.s\.limits\.group/);
    expect(problems(base.replace('LIMIT', '{ count: 5 }')).join('\n')).toMatch(/bots\.s\.limits\.group/);
  });
});

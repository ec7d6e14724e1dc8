import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config.js';
import { botModules } from '../../../bots/index.js';
import { formats } from '../../../src/inbound/index.js';
import { defaultMaxConnections, openFileLimit, serverOptions } from '../../../src/http/limits.js';

const load = (yaml: string) => parseConfig(yaml, { env: {}, bots: botModules, formats });
function problems(yaml: string): string {
  try {
    load(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.join('\n');
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('server connection limits', () => {
  it('has safe defaults when server: is absent or partial', () => {
    for (const yaml of ['{}', 'server: { port: 9000 }']) {
      const s = load(yaml).server;
      expect(s).toMatchObject({ headersTimeout: 10_000, requestTimeout: 60_000, keepAliveTimeout: 5_000, maxRequestsPerSocket: 1000, webhookConcurrency: 64, bodyLimit: 1024 * 1024, host: '0.0.0.0' });
    }
  });

  it('reads durations as text or milliseconds', () => {
    const s = load('server: { headersTimeout: 5s, requestTimeout: 2m, keepAliveTimeout: 1500, maxConnections: 100, maxRequestsPerSocket: 10 }').server;
    expect(s).toMatchObject({ headersTimeout: 5000, requestTimeout: 120_000, keepAliveTimeout: 1500, maxConnections: 100, maxRequestsPerSocket: 10 });
  });

  it.each([
    ['server: { headersTimeout: soon }', /server\.headersTimeout: is not a duration of at least 100 ms: write e\.g\. "10s"/],
    ['server: { requestTimeout: 5 }', /server\.requestTimeout: is not a duration/],
    ['server: { maxConnections: 0 }', /server\.maxConnections/],
    ['server: { maxConections: 10 }', /server\.maxConections: unknown key: did you mean 'maxConnections'\?/],
  ])('names the key of a bad value: %s', (yaml, re) => {
    expect(problems(yaml)).toMatch(re);
  });

  it('keeps the connection cap under the open-file limit', () => {
    expect(defaultMaxConnections(undefined)).toBe(4096);
    expect(defaultMaxConnections(65536)).toBe(4096);
    expect(defaultMaxConnections(1024)).toBe(1024 - 128);
    expect(openFileLimit(() => 'Limit  Soft Limit  Hard Limit  Units\nMax open files            1024                 524288               files\n')).toBe(1024);
    expect(openFileLimit(() => 'Max open files  unlimited  unlimited  files\n')).toBeUndefined();
    expect(openFileLimit(() => { throw new Error('no /proc'); })).toBeUndefined();
  });

  it('looks for timed-out requests often enough to keep the header timeout', () => {
    // Node's default of 30 s would let a slowloris live 40 s with a 10 s header timeout.
    expect(serverOptions({ headersTimeout: 10_000, requestTimeout: 60_000, keepAliveTimeout: 5000, maxRequestsPerSocket: 1 }).connectionsCheckingInterval).toBe(1000);
    expect(serverOptions({ headersTimeout: 1000, requestTimeout: 2000, keepAliveTimeout: 5000, maxRequestsPerSocket: 1 }).connectionsCheckingInterval).toBe(250);
  });
});

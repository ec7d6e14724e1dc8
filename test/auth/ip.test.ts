import { describe, it, expect } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createSourceGuard } from '../../src/auth/guard.js';
import { HttpError } from '../../src/http/errors.js';
import { facts, source } from './facts.js';

const allowIps = ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'];

function admitted(remoteAddress: string, xff: string | undefined, trustProxies: string[]): number {
  const g = createSourceGuard('grafana', source({ public: true, allowIps }), { clock: new ManualClock(0), trustProxies });
  try {
    g.admit(facts({ remoteAddress, headers: xff === undefined ? {} : { 'X-Forwarded-For': xff } }));
    return 200;
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

describe('IP allow-list', () => {
  describe('without trusted proxies: the socket peer decides, X-Forwarded-For is ignored', () => {
    it.each([
      ['203.0.113.9', undefined, 200],
      ['203.0.114.9', undefined, 403],
      ['198.51.100.7', undefined, 200],
      ['198.51.100.8', undefined, 403],
      ['::ffff:203.0.113.9', undefined, 200], // how a dual-stack socket reports IPv4
      ['2001:db8:1::5', undefined, 200],
      ['2001:db9::5', undefined, 403],
      ['', undefined, 403],
      ['not-an-ip', undefined, 403],
      // An untrusted peer claiming to forward for an allowed address is not believed.
      ['192.0.2.1', '203.0.113.9', 403],
      ['203.0.113.9', '192.0.2.1', 200],
    ] as const)('peer %j, X-Forwarded-For %j → %i', (peer, xff, want) => {
      expect(admitted(peer, xff, [])).toBe(want);
    });
  });

  describe('behind a trusted reverse proxy', () => {
    const proxies = ['10.0.0.0/8', 'loopback'];
    it.each([
      // The proxy forwards for an allowed client.
      ['10.1.2.3', '203.0.113.9', 200],
      ['127.0.0.1', '203.0.113.9', 200],
      ['::ffff:127.0.0.1', '203.0.113.9', 200],
      // The proxy forwards for a stranger.
      ['10.1.2.3', '192.0.2.1', 403],
      // The client forged an allowed address in front of its own: the nearest untrusted hop counts.
      ['10.1.2.3', '203.0.113.9, 192.0.2.1', 403],
      // Two trusted proxies in a row, the client before them.
      ['10.1.2.3', '203.0.113.9, 10.9.9.9', 200],
      // No header: the proxy itself is the client, and it is not on the list.
      ['10.1.2.3', undefined, 403],
      // A peer that is not a trusted proxy: its header is ignored.
      ['192.0.2.50', '203.0.113.9', 403],
    ] as const)('peer %j, X-Forwarded-For %j → %i', (peer, xff, want) => {
      expect(admitted(peer, xff, proxies)).toBe(want);
    });
  });

  it('says which address was refused, for the operator', () => {
    const g = createSourceGuard('grafana', source({ public: true, allowIps }), { clock: new ManualClock(0), trustProxies: [] });
    expect(() => g.admit(facts({ remoteAddress: '192.0.2.1' }))).toThrow("address 192.0.2.1 is not allowed to post to source 'grafana'");
    expect(g.clientAddress(facts({ remoteAddress: '192.0.2.1', headers: { 'x-forwarded-for': '203.0.113.9' } }))).toBe('192.0.2.1');
  });

  it('refuses a bad trustProxies entry at start-up with the key to fix', () => {
    expect(() => createSourceGuard('x', source({ public: true }), { clock: new ManualClock(0), trustProxies: ['10.0.0.0/99'] })).toThrow(/server\.trustProxies/);
  });
});

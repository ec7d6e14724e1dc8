// The sender's delivery id, from the header its signature scheme names: the dedup key for payloads
// that carry no id of their own, so a sender's retry (or a replay inside the tolerance) stores nothing new.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createSourceGuard } from '../../src/auth/guard.js';
import { facts, source } from './facts.js';

const SW = 'whsec_' + Buffer.from('delivery test key').toString('base64');
const guardOf = (opts: Record<string, unknown>) => createSourceGuard('s', source(opts), { clock: new ManualClock(0), trustProxies: [] });

describe('delivery id for dedup', () => {
  it.each([
    ['standard-webhooks: webhook-id', { scheme: 'standard-webhooks', secret: SW }, { 'webhook-id': 'msg_1' }, 'webhook-id:msg_1'],
    ['svix: svix-id', { scheme: 'svix', secret: SW }, { 'svix-id': 'msg_2' }, 'svix-id:msg_2'],
    ['github: X-GitHub-Delivery', { scheme: 'github', secret: 'gh-secret-value' }, { 'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' }, 'x-github-delivery:72d3162e-cc78-11e3-81ab-4c9367dc0958'],
    ['hmac: its idHeader', { scheme: 'hmac', secret: 'hmac-secret-value', header: 'x-sig', signed: '{id}.{body}', idHeader: 'X-Event-Id' }, { 'x-event-id': 'e-9' }, 'x-event-id:e-9'],
    ['github without the header', { scheme: 'github', secret: 'gh-secret-value' }, {}, undefined],
    ['a scheme with no id header (slack)', { scheme: 'slack', secret: 'slack-secret-value' }, { 'webhook-id': 'msg_1' }, undefined],
    ['a blank header', { scheme: 'standard-webhooks', secret: SW }, { 'webhook-id': '  ' }, undefined],
  ] as const)('%s', (_what, signature, headers, want) => {
    expect(guardOf({ signature }).deliveryId(facts({ headers }))).toBe(want);
  });

  it('a source without a signature trusts no header for dedup', () => {
    expect(guardOf({ token: 'token-0123456789abcdef' }).deliveryId(facts({ headers: { 'webhook-id': 'msg_1', 'x-github-delivery': 'd' } }))).toBeUndefined();
  });

  it('a huge header is cut to a bounded key', () => {
    const id = guardOf({ signature: { scheme: 'standard-webhooks', secret: SW } }).deliveryId(facts({ headers: { 'webhook-id': 'x'.repeat(10_000) } }));
    expect(id!.length).toBeLessThanOrEqual(250);
  });
});

import { createHmac } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../src/clock.js';
import { createSourceGuard } from '../../src/auth/guard.js';
import { HttpError } from '../../src/http/errors.js';
import { bodyOf, facts, source, vector, type Vector } from './facts.js';

interface Case {
  name: string;
  vector: string;
  signature: (v: Vector) => Record<string, unknown>;
  headers: (v: Vector) => Record<string, string>;
  /** Unix seconds the signature was made at, when the scheme signs one. */
  signedAt?: (v: Vector) => number;
}

const ts = (v: Vector) => Number(v.timestamp);

// Each published vector through its preset, and again through the generic `hmac` scheme described by hand.
const cases: Case[] = [
  { name: 'standard-webhooks', vector: 'standard-webhooks-v1', signature: (v) => ({ scheme: 'standard-webhooks', secret: v.secret }), headers: (v) => v.headers!, signedAt: ts },
  {
    name: 'svix headers',
    vector: 'standard-webhooks-v1',
    signature: (v) => ({ scheme: 'svix', secret: v.secret }),
    headers: (v) => ({ 'svix-id': v.id!, 'svix-timestamp': String(v.timestamp), 'svix-signature': v.expected }),
    signedAt: ts,
  },
  { name: 'github', vector: 'github-sha256', signature: (v) => ({ scheme: 'github', secret: v.secret }), headers: (v) => v.headers! },
  { name: 'stripe', vector: 'stripe-v1', signature: (v) => ({ scheme: 'stripe', secret: v.secret }), headers: (v) => v.headers!, signedAt: ts },
  { name: 'slack', vector: 'slack-v0', signature: (v) => ({ scheme: 'slack', secret: v.secret }), headers: (v) => v.headers!, signedAt: ts },
  {
    name: 'grafana, body only',
    vector: 'grafana-hmac',
    signature: (v) => ({ scheme: 'grafana', secret: v.secret }),
    headers: (v) => ({ 'X-Grafana-Alerting-Signature': v.expectedBodyOnly! }),
  },
  {
    name: 'grafana, library default header',
    vector: 'grafana-hmac',
    signature: (v) => ({ scheme: 'grafana', secret: v.secret }),
    headers: (v) => ({ 'X-Grafana-Alert-Signature': v.expectedBodyOnly! }),
  },
  {
    name: 'grafana, with timestamp',
    vector: 'grafana-hmac',
    signature: (v) => ({ scheme: 'grafana', secret: v.secret, timestampHeader: 'X-Grafana-Alerting-Signature-Timestamp' }),
    headers: (v) => v.headers!,
    signedAt: ts,
  },
  { name: 'hookdeck', vector: 'hookdeck', signature: (v) => ({ scheme: 'hookdeck', secret: v.secret }), headers: (v) => v.headers! },
  {
    name: 'hmac: github described by hand',
    vector: 'github-sha256',
    signature: (v) => ({ secret: v.secret, header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }),
    headers: (v) => v.headers!,
  },
  {
    name: 'hmac: slack described by hand',
    vector: 'slack-v0',
    signature: (v) => ({ secret: v.secret, header: 'X-Slack-Signature', prefix: 'v0=', signed: 'v0:{timestamp}:{body}', timestampHeader: 'X-Slack-Request-Timestamp' }),
    headers: (v) => v.headers!,
    signedAt: ts,
  },
  {
    name: 'hmac: grafana with timestamp described by hand',
    vector: 'grafana-hmac',
    signature: (v) => ({ secret: v.secret, header: 'X-Grafana-Alerting-Signature', signed: '{timestamp}:{body}', timestampHeader: 'X-Grafana-Alerting-Signature-Timestamp' }),
    headers: (v) => v.headers!,
    signedAt: ts,
  },
  {
    name: 'hmac: base64 (hookdeck) described by hand',
    vector: 'hookdeck',
    signature: (v) => ({ secret: v.secret, header: 'x-hookdeck-signature', encoding: 'base64' }),
    headers: (v) => v.headers!,
  },
];

function attempt(c: Case, over: { headers?: Record<string, string>; body?: Buffer; nowSec?: number; secrets?: string[] } = {}): HttpError | undefined {
  const v = vector(c.vector);
  const sig = { ...c.signature(v), ...(over.secrets ? { secret: undefined, secrets: over.secrets } : {}) };
  const clock = new ManualClock((over.nowSec ?? (c.signedAt ? c.signedAt(v) : 1_700_000_000)) * 1000);
  const guard = createSourceGuard('src', source({ signature: sig }), { clock, trustProxies: [] });
  try {
    guard.authenticate(facts({ headers: over.headers ?? c.headers(v), raw: over.body ?? bodyOf(v) }));
    return undefined;
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
}

function flipLastSignatureChar(headers: Record<string, string>, name: RegExp): Record<string, string> {
  const out = { ...headers };
  const key = Object.keys(out).find((k) => name.test(k))!;
  const s = out[key]!;
  const i = s.length - (s.endsWith('=') ? 3 : 1);
  out[key] = s.slice(0, i) + (s[i] === 'A' || s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
  return out;
}

describe('signature verification against the published test vectors', () => {
  it('reads the byte-exact body files', () => {
    for (const name of ['standard-webhooks-v1', 'stripe-v1', 'grafana-hmac', 'hookdeck']) {
      const v = vector(name);
      expect(bodyOf(v).equals(Buffer.from(v.body!, 'utf8')), name).toBe(true);
    }
  });

  describe.each(cases)('$name', (c) => {
    it('accepts the expected signature', () => {
      expect(attempt(c)).toBeUndefined();
    });

    it('refuses a signature with one character changed (403)', () => {
      const e = attempt(c, { headers: flipLastSignatureChar(c.headers(vector(c.vector)), /signature/i) });
      expect(e?.status).toBe(403);
      expect(e?.message).toMatch(/does not match/);
    });

    it('refuses a changed body (403)', () => {
      const body = Buffer.concat([bodyOf(vector(c.vector)), Buffer.from(' ')]);
      expect(attempt(c, { body })?.status).toBe(403);
    });

    it('refuses the right signature under another secret, and never shows the secret', () => {
      const v = vector(c.vector);
      const other = v.secret.startsWith('whsec_') ? 'whsec_' + Buffer.from('another key of 24 bytes!').toString('base64') : 'another-secret-entirely';
      const e = attempt(c, { secrets: [other] });
      expect(e?.status).toBe(403);
      expect(e?.message).not.toContain(v.secret);
      expect(e?.message).not.toContain(other);
    });

    it('accepts during a rotation: the old secret alongside the new', () => {
      const v = vector(c.vector);
      const other = v.secret.startsWith('whsec_') ? 'whsec_' + Buffer.from('the new key, 24 bytes...').toString('base64') : 'the-new-secret-after-rotation';
      expect(attempt(c, { secrets: [other, v.secret] })).toBeUndefined();
    });

    it('asks for the signature when it is missing (401)', () => {
      const headers = Object.fromEntries(Object.entries(c.headers(vector(c.vector))).filter(([k]) => !/signature(-256)?$/i.test(k)));
      const e = attempt(c, { headers });
      expect(e?.status).toBe(401);
      expect(e?.message).toMatch(/signature is required/);
    });

    if (c.signedAt) {
      const signedAt = c.signedAt;
      it('accepts a timestamp up to 5 minutes either side of the clock', () => {
        const t = signedAt(vector(c.vector));
        expect(attempt(c, { nowSec: t + 300 })).toBeUndefined();
        expect(attempt(c, { nowSec: t - 300 })).toBeUndefined();
      });

      it('refuses an expired or future timestamp (403), naming the skew', () => {
        const t = signedAt(vector(c.vector));
        const old = attempt(c, { nowSec: t + 301 });
        expect(old?.status).toBe(403);
        expect(old?.message).toMatch(/301 s old, more than the 300 s allowed/);
        const future = attempt(c, { nowSec: t - 3600 });
        expect(future?.status).toBe(403);
        expect(future?.message).toMatch(/3600 s in the future/);
      });
    }
  });
});

describe('Standard Webhooks, cross-checked with the reference library', () => {
  const secret = 'whsec_' + Buffer.from('0123456789abcdef01234567').toString('base64');
  const at = new Date(1_750_000_000_000);
  const body = Buffer.from('{"type":"invoice.paid","data":{"amount":"¥12.50"}}', 'utf8');

  function check(headers: Record<string, string>, raw = body, signature: Record<string, unknown> = { scheme: 'standard-webhooks', secret }, nowMs = at.getTime()) {
    const guard = createSourceGuard('sw', source({ signature }), { clock: new ManualClock(nowMs), trustProxies: [] });
    guard.authenticate(facts({ headers, raw }));
  }

  it('verifies what the reference library signs, including non-ASCII bodies', () => {
    const sig = new Webhook(secret).sign('msg_1', at, body.toString('utf8'));
    expect(() => check({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(at.getTime() / 1000), 'webhook-signature': sig })).not.toThrow();
  });

  it('refuses the signature under another message id', () => {
    const sig = new Webhook(secret).sign('msg_1', at, body.toString('utf8'));
    expect(() => check({ 'webhook-id': 'msg_2', 'webhook-timestamp': String(at.getTime() / 1000), 'webhook-signature': sig })).toThrow(/does not match/);
  });

  it('asks for webhook-id and webhook-timestamp', () => {
    const sig = new Webhook(secret).sign('msg_1', at, body.toString('utf8'));
    expect(() => check({ 'webhook-timestamp': String(at.getTime() / 1000), 'webhook-signature': sig })).toThrow(/Webhook-Id header is required/);
    expect(() => check({ 'webhook-id': 'msg_1', 'webhook-signature': sig })).toThrow(/timestamp is required in the Webhook-Timestamp/);
    expect(() => check({ 'webhook-id': 'msg_1', 'webhook-timestamp': 'yesterday', 'webhook-signature': sig })).toThrow(/not a Unix time/);
  });

  it('accepts a header listing several signatures when any one matches (sender-side rotation)', () => {
    const good = new Webhook(secret).sign('msg_1', at, body.toString('utf8'));
    const other = new Webhook('whsec_' + Buffer.from('another key of 24 bytes!').toString('base64')).sign('msg_1', at, body.toString('utf8'));
    const headers = (s: string) => ({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(at.getTime() / 1000), 'webhook-signature': s });
    expect(() => check(headers(`${other} v2,abc ${good}`))).not.toThrow();
    expect(() => check(headers(`${other} v2,abc`))).toThrow(/does not match/);
  });
});

describe('generic hmac options', () => {
  const secret = 'generic-signing-secret';
  const body = Buffer.from('{"ok":true}');

  function guardFor(signature: Record<string, unknown>, nowMs = 1_700_000_000_000) {
    return createSourceGuard('g', source({ signature }), { clock: new ManualClock(nowMs), trustProxies: [] });
  }

  it.each([
    ['sha1', 'hex', 'sha1='],
    ['sha512', 'base64', ''],
    ['sha256', 'base64', 'HMAC '],
  ] as const)('%s, %s, prefix %j', (algorithm, encoding, prefix) => {
    const sig = prefix + createHmac(algorithm, secret).update(body).digest(encoding);
    const g = guardFor({ secret, header: 'X-Sig', algorithm, encoding, prefix });
    expect(() => g.authenticate(facts({ headers: { 'x-sig': sig }, raw: body }))).not.toThrow();
    const wrongAlgo = prefix + createHmac(algorithm === 'sha1' ? 'sha256' : 'sha1', secret).update(body).digest(encoding);
    expect(() => g.authenticate(facts({ headers: { 'x-sig': wrongAlgo }, raw: body }))).toThrow(/does not match/);
  });

  it('signs {id}.{timestamp}.{body} from the headers named, and accepts millisecond timestamps', () => {
    const tsMs = '1700000000123';
    const sig = createHmac('sha256', secret).update(`abc.${tsMs}.`).update(body).digest('hex');
    const g = guardFor({ secret, header: 'X-Sig', signed: '{id}.{timestamp}.{body}', timestampHeader: 'X-Ts', idHeader: 'X-Id' }, 1_700_000_060_000);
    expect(() => g.authenticate(facts({ headers: { 'x-sig': sig, 'x-ts': tsMs, 'x-id': 'abc' }, raw: body }))).not.toThrow();
  });

  it('honours a custom tolerance', () => {
    const sig = createHmac('sha256', secret).update('1700000000.').update(body).digest('hex');
    const g = guardFor({ secret, header: 'X-Sig', signed: '{timestamp}.{body}', timestampHeader: 'X-Ts', tolerance: '30s' }, 1_700_000_031_000);
    expect(() => g.authenticate(facts({ headers: { 'x-sig': sig, 'x-ts': '1700000000' }, raw: body }))).toThrow(/31 s old, more than the 30 s allowed/);
  });

  it('treats a malformed signature as not matching rather than crashing', () => {
    const g = guardFor({ secret, header: 'X-Sig' });
    for (const bad of ['zz', 'abc', '', '=====', 'é'.repeat(64)]) {
      const e = (() => {
        try {
          g.authenticate(facts({ headers: { 'x-sig': bad }, raw: body }));
        } catch (err) {
          return err as HttpError;
        }
      })();
      expect(e).toBeInstanceOf(HttpError);
      expect([401, 403]).toContain(e!.status);
    }
  });
});

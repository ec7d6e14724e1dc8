import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { sourceCommonShape, type SourceConfig } from '../../src/config.js';
import { REDACTED, redactPayload } from '../../src/capture/redact.js';
import { isSensitiveName } from '../../src/capture/sensitive.js';

const sourceSchema = z.object({ format: z.string(), ...sourceCommonShape }).passthrough();
const source = (o: Record<string, unknown> = {}) => sourceSchema.parse({ format: 'report', ...o }) as SourceConfig;

const TOKEN = 'report-test-token-0123';
const R = REDACTED;

describe('credential names', () => {
  it.each([
    ['token', true], ['Token', true], ['access_token', true], ['accessToken', true], ['api_key', true], ['apiKey', true],
    ['APIKey', true], ['key', true], ['sign', true], ['secret', true], ['client_secret', true], ['password', true],
    ['X-Hub-Signature-256', true], ['webhook-signature', true], ['Authorization', true], ['x-hookbot-token', true],
    ['keys', true], ['private-key', true], ['sessionKey', true],
    ['groupKey', false], ['design', false], ['assignee', false], ['monkey', false], ['keyword', false], ['t', false],
    ['sign_type', false], ['token_type', false], ['X-Grafana-Alerting-Signature-Timestamp', false], ['webhook-timestamp', false],
    ['sequence_id', false], ['send_to', false], ['screenshot', false], ['author', false],
  ])('%s → %s', (name, want) => {
    expect(isSensitiveName(name)).toBe(want);
  });
});

describe('redactPayload', () => {
  it('removes credential headers, keeps the rest, and flattens repeated headers', () => {
    const r = redactPayload(source({ token: TOKEN }), {
      headers: {
        authorization: `Bearer ${TOKEN}`,
        cookie: 'sid=abc',
        'x-hub-signature-256': 'sha256=757107ea',
        'webhook-signature': 'v1,g0hM9SsE',
        'webhook-timestamp': '1614265330',
        'webhook-id': 'msg_1',
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/abc',
        'x-forwarded-for': ['203.0.113.9', '10.0.0.1'],
        'x-ignored': undefined,
      },
      query: {},
      body: Buffer.from('{}'),
    });
    expect(r.headers).toEqual({
      authorization: R,
      cookie: R,
      'x-hub-signature-256': R,
      'webhook-signature': R,
      'webhook-timestamp': '1614265330',
      'webhook-id': 'msg_1',
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/abc',
      'x-forwarded-for': '203.0.113.9, 10.0.0.1',
    });
  });

  it("removes a signature header the source's scheme names even when the name does not say so", () => {
    const r = redactPayload(source({ signature: { header: 'X-Custom-Mac', secret: 'mac-secret-value' } }), {
      headers: { 'x-custom-mac': 'deadbeef', 'x-other': 'kept' },
      query: {},
      body: Buffer.from(''),
    });
    expect(r.headers).toEqual({ 'x-custom-mac': R, 'x-other': 'kept' });
  });

  it.each([
    ['token and key', { token: TOKEN, key: 'onelive-key-1', source: 'bgi' }, { token: R, key: R, source: 'bgi' }],
    ['sign but not t (Volcengine)', { sign: '26b3a758', t: '1700000600' }, { sign: R, t: '1700000600' }],
    ['access_token and a list', { access_token: 'x', tag: ['a', 'b'] }, { access_token: R, tag: 'a, b' }],
    ['a configured secret under an innocent name', { note: `the token is ${TOKEN}!` }, { note: `the token is ${R}!` }],
  ])('redacts the query: %s', (_what, query, want) => {
    const r = redactPayload(source({ token: TOKEN }), { headers: {}, query, body: Buffer.from('') });
    expect(r.query).toEqual(want);
  });

  it.each([
    [
      'NoneBot report token at the top',
      `{"token":"${TOKEN}","title":"t","content":"c"}`,
      { token: R, title: 't', content: 'c' },
    ],
    [
      'nested and in arrays, any credential name',
      '{"data":{"auth":{"password":"p4ss","user":"me"},"items":[{"apiKey":"k1","n":1},{"client_secret":42}]},"groupKey":"{}:{alertname=\\"x\\"}"}',
      { data: { auth: R, items: [{ apiKey: R, n: 1 }, { client_secret: R }] }, groupKey: '{}:{alertname="x"}' },
    ],
    [
      'Volcengine sign, keeping t and an empty sign (unsigned marker)',
      '{"event_type":"push_start","sign":"26b3a758204771f55af4d28971d316c1","t":1700000600,"detail":{"sign":""}}',
      { event_type: 'push_start', sign: R, t: 1700000600, detail: { sign: '' } },
    ],
    [
      'a configured secret inside a message',
      `{"message":"login with ${TOKEN} failed"}`,
      { message: `login with ${R} failed` },
    ],
  ])('redacts a JSON body: %s', (_what, body, want) => {
    const r = redactPayload(source({ token: TOKEN }), { headers: { 'content-type': 'application/json' }, query: {}, body: Buffer.from(body) });
    expect(JSON.parse(r.body)).toEqual(want);
    expect(r.body).not.toContain(TOKEN);
  });

  it('keeps a JSON body with nothing to redact byte for byte (formatting, big integers)', () => {
    const body = '{ "EventId": "a1", "RoomId": 12345678901234567890,\n  "groupKey": "g" }';
    expect(redactPayload(source({ token: TOKEN }), { headers: {}, query: {}, body: Buffer.from(body) }).body).toBe(body);
  });

  it('redacts a form body (Slack slash command) and keeps the other fields', () => {
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fwebhook-collect&text=';
    const r = redactPayload(source({ public: true }), { headers: { 'content-type': 'application/x-www-form-urlencoded' }, query: {}, body: Buffer.from(body) });
    const form = new URLSearchParams(r.body);
    expect(form.get('token')).toBe(R);
    expect(form.get('team_id')).toBe('T1DC2JH3J');
    expect(form.get('command')).toBe('/webhook-collect');
    expect(r.body).not.toContain('xyzz0WbapA4vBCDEFasx0q6G');
  });

  it('removes configured secrets from a plain-text body, also URL-encoded', () => {
    const secret = 'sig/secret+with=chars';
    const r = redactPayload(source({ signature: { header: 'x-mac', secret } }), {
      headers: { 'content-type': 'text/plain' },
      query: {},
      body: Buffer.from(`raw ${secret} and ${encodeURIComponent(secret)} end`),
    });
    expect(r.body).toBe(`raw ${R} and ${R} end`);
  });

  it('collects secrets from format options too (Volcengine keys)', () => {
    const r = redactPayload(source({ keys: ['volc-primary-key', 'volc-secondary-key'] }), {
      headers: {},
      query: {},
      body: Buffer.from('{"note":"volc-secondary-key leaked"}'),
    });
    expect(JSON.parse(r.body)).toEqual({ note: `${R} leaked` });
  });

  it('replaces a huge string (a screenshot) with its length, and survives deep nesting and bad UTF-8', () => {
    const shot = 'A'.repeat(200_000);
    const r = redactPayload(source({ token: TOKEN }), { headers: {}, query: {}, body: Buffer.from(JSON.stringify({ event: 'domain.end', screenshot: shot })) });
    expect(JSON.parse(r.body)).toEqual({ event: 'domain.end', screenshot: '[200000 characters not kept]' });

    const deep = '['.repeat(5000) + `{"token":"${TOKEN}"}` + ']'.repeat(5000);
    const d = redactPayload(source({ token: TOKEN }), { headers: {}, query: {}, body: Buffer.from(deep) });
    expect(d.body).not.toContain(TOKEN);
    expect(d.body).toContain(R);

    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(JSON.parse(redactPayload(source({ token: TOKEN }), { headers: {}, query: {}, body: bad }).body)).toEqual({ a: '\ufffd\ufffd' });
  });

  it('still redacts credential fields in broken JSON', () => {
    const r = redactPayload(source({ public: true }), { headers: {}, query: {}, body: Buffer.from('{"password": "hunter2", "title": "x", ') });
    expect(r.body).toBe(`{"password": "${R}", "title": "x", `);
  });

  it('cuts a long non-JSON body, saying how much is gone', () => {
    const r = redactPayload(source({ token: TOKEN }), { headers: { 'content-type': 'text/plain' }, query: {}, body: Buffer.from('x'.repeat(150)) }, { maxBody: 100 });
    expect(r.body).toBe('x'.repeat(100) + '\n[50 more characters not kept]');
  });
});

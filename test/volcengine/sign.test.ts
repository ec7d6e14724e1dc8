// Volcengine OpenAPI signing against the documented vector (reference/volcengine-openapi.md §2).
import { describe, expect, it } from 'vitest';
import { canonicalQuery, signRequest, xDate } from '../../src/volcengine/sign.js';

const BODY = '{"MessageType":"push","Vhost":"push.example.com","App":"live","CallbackDetailList":[{"CallbackType":"http","URL":"https://hookbot.example.com/in/volc"}],"AuthEnable":true,"AuthKeyPrimary":"volc-test-key-001"}';
const vector = (over: Partial<Parameters<typeof signRequest>[0]> = {}) =>
  signRequest({
    accessKeyId: 'AKLTexampleAK',
    secretAccessKey: 'exampleSecretKey==',
    region: 'cn-north-1',
    service: 'live',
    method: 'POST',
    path: '/',
    query: { Version: '2023-01-01', Action: 'UpdateCallback' },
    body: BODY,
    date: new Date('2024-01-01T00:00:00Z'),
    ...over,
  });

describe('Volcengine OpenAPI signing', () => {
  it('matches the documented vector', () => {
    expect(vector()).toEqual({
      'X-Date': '20240101T000000Z',
      'X-Content-Sha256': '3723342bed130d11bb494b12109dc6396e16a4ed5d98fcf0334bc0b6aa4a2f45',
      Authorization:
        'HMAC-SHA256 Credential=AKLTexampleAK/20240101/cn-north-1/live/request, SignedHeaders=x-content-sha256;x-date, Signature=2ad07e253a347d791db307f6a7fb3c6dfee49476d478717327efe0c98dd66ab7',
    });
  });

  it('changes with the body, the secret, the day and the region', () => {
    const base = vector().Authorization;
    expect(vector({ body: BODY + ' ' }).Authorization).not.toBe(base);
    expect(vector({ secretAccessKey: 'exampleSecretKey=!' }).Authorization).not.toBe(base);
    expect(vector({ date: new Date('2024-01-02T00:00:00Z') }).Authorization).toContain('/20240102/cn-north-1/');
    expect(vector({ region: 'ap-southeast-1' }).Authorization).toContain('/ap-southeast-1/live/request');
  });

  it('signs an STS session token', () => {
    const h = vector({ sessionToken: 'sts-token' });
    expect(h['X-Security-Token']).toBe('sts-token');
    expect(h.Authorization).toContain('SignedHeaders=x-content-sha256;x-date;x-security-token');
  });

  it('formats X-Date and sorts and encodes the query the RFC 3986 way', () => {
    expect(xDate(new Date('2026-12-01T15:04:05.678Z'))).toBe('20261201T150405Z');
    expect(canonicalQuery({ b: "it's (x)*", a: '1 2' })).toBe('a=1%202&b=it%27s%20%28x%29%2A');
  });
});

// Volcengine: md5(key + t) against primary and secondary keys with an expiry window; envelopes;
// unknown events rendered, never refused; dedup.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../src/inbound/format.js';
import { volcengine } from '../../src/inbound/volcengine.js';
import { ctx, fixture, parse, render } from './helpers.js';

const KEY = 'volc-test-key-001';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const flat = () => fixture('volcengine', 'push_start.flat.json');
// t = 1700000600 is the signature's expiry; "now" just before it.
const NOW_OK = 1700000000_000;

function auth(body: unknown, config: Record<string, unknown>, now = NOW_OK) {
  return volcengine.authenticate!(body, ctx(config, now));
}

describe('volcengine sign', () => {
  it('the published vector: md5("volc-test-key-0011700000600")', () => {
    expect(md5(KEY + '1700000600')).toBe('26b3a758204771f55af4d28971d316c1');
    expect(auth(flat(), { keys: [KEY] })).toBe(true);
  });

  const rows: [string, () => unknown, Record<string, unknown>, number, true | false | RegExp][] = [
    ['primary key', flat, { keys: [KEY] }, NOW_OK, true],
    ['secondary key (rotation)', flat, { keys: ['new-primary-key', KEY] }, NOW_OK, true],
    ['reversed order t + key (BytePlus wording)', () => ({ ...flat(), sign: '593bea940e4c2d8425ca6c1671ed4c5a' }), { keys: [KEY] }, NOW_OK, true],
    ['upper-case hex', () => ({ ...flat(), sign: '26B3A758204771F55AF4D28971D316C1' }), { keys: [KEY] }, NOW_OK, true],
    ['t as a string', () => ({ ...flat(), t: '1700000600' }), { keys: [KEY] }, NOW_OK, true],
    ['wrong key', flat, { keys: ['another-key'] }, NOW_OK, /invalid sign/],
    ['tampered sign', () => ({ ...flat(), sign: '26b3a758204771f55af4d28971d316c2' }), { keys: [KEY] }, NOW_OK, /invalid sign/],
    ['t changed after signing', () => ({ ...flat(), t: 1700000601 }), { keys: [KEY] }, NOW_OK, /invalid sign/],
    ['expired (now past t + skew)', flat, { keys: [KEY] }, (1700000600 + 31) * 1000, /expired/],
    ['within the clock skew', flat, { keys: [KEY] }, (1700000600 + 30) * 1000, true],
    ['expiry absurdly far ahead', flat, { keys: [KEY] }, (1700000600 - 700) * 1000, /expired/],
    ['a shorter window', flat, { keys: [KEY], signWindow: 60 }, NOW_OK, /expired/],
    ['sent-time mode, fresh', flat, { keys: [KEY], signTime: 'sent' }, (1700000600 + 100) * 1000, true],
    ['sent-time mode, too old', flat, { keys: [KEY], signTime: 'sent' }, (1700000600 + 700) * 1000, /expired/],
    ['unsigned (sign "" and t 0): the token must pass', () => fixture('volcengine', 'push_start.byteplus-envelope.json'), { keys: [KEY] }, NOW_OK, false],
    ['no sign field at all', () => { const b = flat(); delete b.sign; delete b.t; return b; }, { keys: [KEY] }, NOW_OK, false],
    ['signed but no keys configured: the token must pass', flat, {}, NOW_OK, false],
    ['sign "" with a t set', () => ({ ...flat(), sign: '' }), { keys: [KEY] }, NOW_OK, /neither signed nor plainly unsigned/],
    ['sign not a string', () => ({ ...flat(), sign: 12 }), { keys: [KEY] }, NOW_OK, /sign must be a string/],
    ['t not a number', () => ({ ...flat(), t: 'soon' }), { keys: [KEY] }, NOW_OK, /t must be a Unix time/],
    ['sign inside the BytePlus data envelope', () => ({ code: 0, data: { ...flat() } }), { keys: [KEY] }, NOW_OK, true],
  ];
  for (const [what, body, config, now, want] of rows) {
    it(`${what} → ${want instanceof RegExp ? '403' : want}`, () => {
      if (want instanceof RegExp) {
        let err: unknown;
        try {
          auth(body(), config, now);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(PayloadError);
        expect((err as PayloadError).status).toBe(403);
        expect((err as PayloadError).message).toMatch(want);
        expect((err as PayloadError).message).not.toContain(KEY);
      } else {
        expect(auth(body(), config, now)).toBe(want);
      }
    });
  }

  it('sign and t in the URL (SecHandlerType param) are checked like those in the body', () => {
    const body = () => {
      const b = flat();
      delete b.sign;
      delete b.t;
      return b;
    };
    const withQuery = (query: Record<string, string>, now = NOW_OK) => volcengine.authenticate!(body(), { ...ctx({ keys: [KEY] }, now), query });
    expect(withQuery({ sign: '26b3a758204771f55af4d28971d316c1', t: '1700000600' })).toBe(true);
    expect(() => withQuery({ sign: 'f'.repeat(32), t: '1700000600' })).toThrow(/invalid sign/);
    expect(() => withQuery({ sign: '26b3a758204771f55af4d28971d316c1', t: '1700000600' }, (1700000600 + 31) * 1000)).toThrow(/expired/);
    expect(withQuery({})).toBe(false);
  });

  it('options are strict and documented keys only', () => {
    expect(volcengine.options!.safeParse({ keys: [KEY], signWindow: 300 }).success).toBe(true);
    expect(volcengine.options!.safeParse({ key: KEY }).success).toBe(false);
    expect(volcengine.options!.safeParse({ signTime: 'sometime' }).success).toBe(false);
  });
});

describe('volcengine events', () => {
  const rows: [string, Record<string, unknown>, { event: string; level: string; title: RegExp; dedup?: string; image?: string }][] = [
    ['push_end', { event_type: 'push_end', app: 'live', stream: 's1', session_id: 'sess-9', time: 1700000100 }, { event: 'push_end', level: 'info', title: /Stream ended: live\/s1/, dedup: 'push_end:sess-9' }],
    ['record done', { event_type: 'record', app: 'live', stream: 's1', file_name: 'a.mp4', duration: 61, url: 'https://cdn.example.com/a.mp4', sequence_id: 'r1' }, { event: 'record', level: 'success', title: /Recording: live\/s1/, dedup: 'record:r1' }],
    ['record failed', { event_type: 'record', app: 'live', stream: 's1', status: 'failed', reason: 'disk full' }, { event: 'record', level: 'error', title: /Recording/ }],
    ['snapshot with a picture', { event_type: 'snapshot', app: 'live', stream: 's1', url: 'https://cdn.example.com/s.jpg' }, { event: 'snapshot', level: 'info', title: /Snapshot/, image: 'https://cdn.example.com/s.jpg' }],
    ['unknown type', { event_type: 'transcode_fail', app: 'live', stream: 's1', time: 1700000100 }, { event: 'transcode_fail', level: 'info', title: /Live callback: transcode_fail: live\/s1/, dedup: 'transcode_fail:live/s1@1700000100000' }],
    ['no event_type at all', { app: 'live', stream: 's1' }, { event: 'callback', level: 'info', title: /callback/ }],
    ['nested data.detail', { code: 0, data: { event_type: 'push_end', app: 'a', stream: 'b', detail: { session_id: 'd1' } } }, { event: 'push_end', level: 'info', title: /a\/b/, dedup: 'push_end:d1' }],
  ];
  for (const [what, body, want] of rows) {
    it(`${what} → ${want.event}`, async () => {
      const n = await parse('volcengine', { sign: '', t: 0, ...body });
      expect(n.event).toBe(want.event);
      expect(n.level).toBe(want.level);
      expect(n.title).toMatch(want.title);
      if (want.dedup) expect(n.dedupKey).toBe(want.dedup);
      if (want.image) expect(n.image).toEqual({ url: want.image });
      for (const locale of ['en', 'zh-CN'] as const) {
        const r = render('volcengine', n, locale);
        expect(r.title).not.toBe('');
        expect(`${r.title}${r.body}`).not.toMatch(/undefined|\[object/);
      }
      expect(JSON.stringify(n.vars)).not.toMatch(/"sign"|"t":/);
    });
  }
  it('start and end of the same push are different events', async () => {
    const start = await parse('volcengine', flat());
    const end = await parse('volcengine', { ...flat(), event_type: 'push_end' });
    expect(start.dedupKey).not.toBe(end.dedupKey);
  });
  it('a wrong type names the field', async () => {
    await expect(parse('volcengine', { ...flat(), time: 'noon' })).rejects.toThrow(/time|number/);
  });
});

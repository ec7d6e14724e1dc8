// The dashboard's pure logic: translations, times, filters, routes, the chart's columns, the source form.
import { describe, expect, it } from 'vitest';
import { catalogs, pickLang, translate, type Key } from '../../web/src/i18n.js';
import { formatClock, formatTime } from '../../web/src/time.js';
import { filterToQuery, olderPage, queryToFilter } from '../../web/src/query.js';
import { parseRoute } from '../../web/src/route.js';
import { toSeries } from '../../web/src/activity.js';
import { bodyToDraft, draftToBody } from '../../web/src/sourceForm.js';

describe('dashboard translations', () => {
  it('has every key in both languages, and no Chinese entry left in English', () => {
    const en = Object.keys(catalogs.en).sort();
    expect(Object.keys(catalogs['zh-CN']).sort()).toEqual(en);
    const untranslated = en.filter((k) => k !== 'app.title' && catalogs['zh-CN'][k as Key] === catalogs.en[k as Key]);
    expect(untranslated).toEqual([]);
    for (const k of en) expect(catalogs['zh-CN'][k as Key].trim(), k).not.toBe('');
  });

  it('fills placeholders and keeps unknown ones', () => {
    expect(translate('en', 'dead.retried', { n: 3 })).toBe('3 sent back to the queue.');
    expect(translate('zh-CN', 'dead.retried', { n: 3 })).toBe('已重新排队 3 条。');
    expect(translate('en', 'dead.retried')).toBe('{n} sent back to the queue.');
  });

  it('follows the config locale until the user chooses', () => {
    expect(pickLang('zh-CN', null)).toBe('zh-CN');
    expect(pickLang('en', null)).toBe('en');
    expect(pickLang('zh-CN', 'en')).toBe('en');
    expect(pickLang('en', 'zh-CN')).toBe('zh-CN');
    expect(pickLang('en', 'fr')).toBe('en');
  });
});

describe('dashboard times', () => {
  const t = Date.UTC(2026, 11, 1, 23, 30, 5);
  it('shows a time in the configured zone, not the browser’s', () => {
    expect(formatTime(t, 'Asia/Shanghai', 'zh-CN')).toBe('2026-12-02 07:30:05');
    expect(formatTime(t, 'UTC', 'en')).toBe('2026-12-01 23:30:05');
    expect(formatTime(t, 'America/New_York', 'en')).toBe('2026-12-01 18:30:05');
    expect(formatClock(t, 'Asia/Shanghai')).toBe('07:30');
  });
});

describe('event filters', () => {
  it('round-trips through the query string, dropping empty fields', () => {
    const f = { source: 'bgi', event: 'live_*', level: '', q: ' 原神 ' };
    const q = filterToQuery(f, { n: 100 });
    expect(q).toBe('?source=bgi&event=live_*&q=%E5%8E%9F%E7%A5%9E&n=100');
    expect(queryToFilter(q)).toEqual({ source: 'bgi', event: 'live_*', q: '原神' });
    expect(filterToQuery({})).toBe('');
  });

  it('pages back before the oldest event shown, keeping the filter', () => {
    const older = olderPage({ source: 'bgi', level: 'error' }, 1796150287337);
    expect(filterToQuery(older, { n: 100 })).toBe('?source=bgi&level=error&before=1796150287337&n=100');
    expect(queryToFilter(filterToQuery(older))).toEqual({ source: 'bgi', level: 'error', before: '1796150287337' });
  });
});

describe('routes', () => {
  it.each([
    ['', { page: 'overview' }],
    ['#/', { page: 'overview' }],
    ['#/events', { page: 'events', search: '' }],
    ['#/events?source=bgi', { page: 'events', search: 'source=bgi' }],
    ['#/events/evt_a%2Fb', { page: 'event', id: 'evt_a/b' }],
    ['#/dead', { page: 'dead' }],
    ['#/sources', { page: 'sources' }],
    ['#/nope', { page: 'overview' }],
  ])('%s', (hash, want) => expect(parseRoute(hash)).toEqual(want));
});

describe('activity chart columns', () => {
  it('puts each bucket at its start time in seconds and finds the peak', () => {
    const s = toSeries({ from: 60_000, bucketMs: 60_000, webhooks: [1, 5, 0], sent: [2, 3] });
    expect(s.x).toEqual([60, 120, 180]);
    expect(s.webhooks).toEqual([1, 5, 0]);
    expect(s.sent).toEqual([2, 3, 0]);
    expect(s.peak).toBe(5);
  });
});

describe('source form', () => {
  it('builds the PUT body from the form', () => {
    expect(draftToBody({ name: 'bgi2', format: 'bettergi', token: '', to: 'alice, bob', toGroup: '', extra: '{"capture": 5}' })).toEqual({
      capture: 5,
      format: 'bettergi',
      to: ['alice', 'bob'],
    });
  });
  it('names the field that is wrong', () => {
    expect(() => draftToBody({ name: 'a b', format: 'report', token: '', to: '', toGroup: '', extra: '' })).toThrow(/^name:/);
    expect(() => draftToBody({ name: 'ok', format: 'report', token: '', to: '', toGroup: '', extra: '{nope' })).toThrow(/^more options: not valid JSON/);
    expect(() => draftToBody({ name: 'ok', format: 'report', token: '', to: '', toGroup: '', extra: '[1]' })).toThrow(/must be a JSON object/);
  });
  it('never puts the stored token back into the form', () => {
    const d = bodyToDraft('x', { format: 'report', token: 'secret-secret-secret', to_group: ['ops'], capture: 3 });
    expect(d.token).toBe('');
    expect(d.toGroup).toBe('ops');
    expect(JSON.parse(d.extra)).toEqual({ capture: 3 });
  });
});

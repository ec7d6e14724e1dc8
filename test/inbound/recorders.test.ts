// Cases beyond the shared fixtures for blrec, BililiveRecorder and MoviePilot: every kind of event
// they send, in both locales, with the level, the title and the dedup key a user relies on.
import { describe, expect, it } from 'vitest';
import { parse, render } from './helpers.js';

interface Want {
  event: string;
  level: string;
  title: RegExp;
  body?: RegExp;
  zh?: RegExp;
  dedupKey?: string;
  image?: string;
}

const ROOM = { room_id: 22259479, title: '唱歌', area_name: '虚拟Singer', parent_area_name: '虚拟主播', cover: 'https://i0.hdslb.com/c.jpg' };
const blrecRow = (type: string, data: unknown, id = `id-${type}`) => ({ type, id, date: '2023-02-13 11:12:13.123456+08:00', data });

const CASES: [string, string, unknown, Want][] = [
  ['blrec', 'live ended', blrecRow('LiveEndedEvent', { user_info: { name: '早稻叽' }, room_info: ROOM }), { event: 'LiveEndedEvent', level: 'info', title: /Live ended: 早稻叽/, zh: /下播了/, dedupKey: 'id-LiveEndedEvent' }],
  ['blrec', 'recording cancelled', blrecRow('RecordingCancelledEvent', { room_info: ROOM }), { event: 'RecordingCancelledEvent', level: 'warning', title: /Recording cancelled: 22259479/ }],
  ['blrec', 'post-processing with several files', blrecRow('PostprocessingCompletedEvent', { room_id: 22259479, files: ['/rec/a.mp4', '/rec/a.xml'] }), { event: 'PostprocessingCompletedEvent', level: 'success', title: /Post-processing finished/, body: /a\.mp4[\s\S]*a\.xml/ }],
  ['blrec', 'disk space low', blrecRow('SpaceNoEnoughEvent', { path: '/rec', threshold: 1073741824, usage: { total: 1, used: 1, free: 0 } }), { event: 'SpaceNoEnoughEvent', level: 'warning', title: /Disk space low/, zh: /磁盘空间不足/ }],
  ['blrec', 'an error with its traceback', blrecRow('Error', { name: 'ConnectionError', detail: 'Traceback (most recent call last):\n  boom' }), { event: 'Error', level: 'error', title: /blrec error/, body: /Traceback/ }],
  ['blrec', 'an event blrec adds later', blrecRow('SomethingNewEvent', { room_id: 1 }), { event: 'SomethingNewEvent', level: 'info', title: /SomethingNewEvent/ }],
  ['blrec', 'no data at all', { type: 'LiveBeganEvent', id: 'x1', date: '2023-02-13 11:12:13+08:00', data: null }, { event: 'LiveBeganEvent', level: 'info', title: /Live now/ }],
  ['bililive-recorder', 'an event added in a later version', { EventType: 'DanmakuStats', EventTimestamp: '2024-01-01T00:00:00+08:00', EventId: 'u-1', EventData: { RoomId: 1, Name: 'n' } }, { event: 'DanmakuStats', level: 'info', title: /DanmakuStats: n/, dedupKey: 'u-1' }],
  ['bililive-recorder', 'numbers sent as strings', { EventType: 'FileClosed', EventId: 'u-2', EventData: { RoomId: '23058', Name: 'n', FileSize: '1048576', Duration: '61.5', RelativePath: 'a.flv' } }, { event: 'FileClosed', level: 'success', title: /Recording file finished: n/, body: /a\.flv[\s\S]*Size: 1\.0 MiB\nDuration: 1 min 2 s/ }],
  ['moviepilot', 'imported to the library, title from the media info', { type: 'transfer.complete', data: { mediainfo: { title_year: '电影名 (2024)', poster_path: 'https://image.tmdb.org/p.jpg' }, transferinfo: { total_size: 1 } } }, { event: 'transfer.complete', level: 'success', title: /电影名 \(2024\)/, image: 'https://image.tmdb.org/p.jpg' }],
  ['moviepilot', 'type as an enum object', { type: { value: 'download.added' }, data: { title: 'Added' } }, { event: 'download.added', level: 'info', title: /Added/ }],
  ['moviepilot', 'data as plain text', { type: 'webhook.message', data: 'hello there' }, { event: 'webhook.message', level: 'info', title: /Webhook message/, body: /hello there/, zh: /Webhook 消息/ }],
  ['moviepilot', 'a system error', { type: 'system.error', data: { title: '站点连接失败', text: 'timeout' } }, { event: 'system.error', level: 'error', title: /站点连接失败/, body: /timeout/ }],
  ['moviepilot', 'an event it does not know', { type: 'brand.new', data: { text: 'x' } }, { event: 'brand.new', level: 'info', title: /brand\.new/ }],
];

describe('recorders and MoviePilot, beyond the fixtures', () => {
  it.each(CASES)('%s: %s', async (format, _what, body, want) => {
    const n = await parse(format, body);
    expect(n.event).toBe(want.event);
    expect(n.level).toBe(want.level);
    expect(n.title).toMatch(want.title);
    if (want.dedupKey) expect(n.dedupKey).toBe(want.dedupKey);
    if (want.image) expect(n.image).toEqual({ url: want.image });
    const shown = (o: ReturnType<typeof render>) => `${o.title}\n${o.body}\n${o.msg.fields.map((f) => `${f.name}: ${f.value}`).join('\n')}`;
    const en = render(format, n, 'en');
    if (want.body) expect(shown(en)).toMatch(want.body);
    const zh = render(format, await parse(format, body, { locale: 'zh-CN' }), 'zh-CN');
    if (want.zh) expect(shown(zh)).toMatch(want.zh);
    for (const r of [en, zh]) {
      expect(r.title).not.toBe('');
      expect(`${r.title}${r.body}`).not.toMatch(/undefined|\[object|NaN/);
    }
  });
});

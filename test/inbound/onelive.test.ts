// OneLiveRec specifics beyond the fixtures: changes shown old → new, unknown types, the config example template.
import { describe, expect, it } from 'vitest';
import { fixture, parse, render } from './helpers.js';

describe('onelive', () => {
  it('the README example template sees live_info at the top level', async () => {
    const n = await parse('onelive', fixture('onelive', 'live_start.json'));
    const r = render('onelive', n, 'en', { live_start: '**{{ live_info.uname }}** is live: {{ live_info.title }}' });
    expect(r.body).toBe('3号直播间 is live: 哔哩哔哩音悦台');
    expect(r.msg.body[0]).toMatchObject({ kind: 'bold' });
  });
  it('a title change shows old → new, the new one bold', async () => {
    const r = render('onelive', await parse('onelive', fixture('onelive', 'title_change.json')), 'zh-CN');
    expect(r.body).toBe('哔哩哔哩音悦台 → 深夜点歌台');
    expect(r.msg.body.map((s) => s.kind)).toEqual(['italic', 'text', 'bold']);
  });
  it('an unknown type is rendered generically with its id kept for dedup', async () => {
    const n = await parse('onelive', { id: 'u-1', ts: '2026-03-11T05:22:38Z', type: 'disk_low', data: { platform: 'x' } });
    expect(n).toMatchObject({ event: 'disk_low', level: 'info', dedupKey: 'u-1', title: 'OneLiveRec: disk_low' });
    expect(render('onelive', n, 'zh-CN').title).toBe('OneLiveRec：disk_low');
  });
  it('a cover that is not http(s) is not used as an image', async () => {
    const body = fixture('onelive', 'live_start.json');
    body.data.live_info.cover = 'javascript:alert(1)';
    expect((await parse('onelive', body)).image).toBeUndefined();
  });
  it('a missing type is refused naming the field', async () => {
    await expect(parse('onelive', { id: 'x', data: {} })).rejects.toThrow(/type/);
  });
  it('filesize as a numeric string is accepted', async () => {
    const body = fixture('onelive', 'video_file_finish.json');
    body.data.filesize = '2048';
    expect((await parse('onelive', body)).fields).toContainEqual({ name: 'Size', value: '2.0 KiB' });
  });
});

// Every sender fixture parses into the notice a reader should get, and renders in both locales.
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames, parse, render } from './helpers.js';
import { formats } from '../../src/inbound/index.js';

type Expect = {
  event: string;
  level: string;
  title: RegExp;
  dedupKey?: string | RegExp | null;
  image?: 'url' | 'bytes' | null;
  imageNote?: RegExp;
  to?: string[];
  time?: string;
  zh?: RegExp;
  en?: RegExp;
};

const HEX = /^[0-9a-f]{32}$/;

const table: Record<string, Record<string, Expect>> = {
  bettergi: {
    'domain.end.json': { event: 'domain.end', level: 'success', title: /^Domain finished$/, image: 'bytes', to: ['qq-group-123'], time: '2026-08-22T18:44:28.123Z', zh: /自动秘境结束/, en: /Domain finished/ },
    'task.error.json': { event: 'task.error', level: 'error', title: /^Task error$/, image: null, zh: /任务错误/ },
    'notify.test.json': { event: 'notify.test', level: 'info', title: /^Test notification$/, zh: /测试通知/ },
    'group.end.json': { event: 'group.end', level: 'warning', title: /^Config group finished$/, zh: /配置组结束/ },
    'docs-example.legacy.json': { event: 'domain.end', level: 'success', title: /^Domain finished$/, image: null, imageNote: /not a PNG, JPEG, WebP or GIF/, to: ['userid'] },
  },
  onelive: {
    'app_launch.json': { event: 'app_launch', level: 'info', title: /OneLiveRec started/, dedupKey: /^[0-9a-f-]{36}$/, zh: /已启动/ },
    'app_launch.no-data.json': { event: 'app_launch', level: 'info', title: /OneLiveRec started/, dedupKey: /^[0-9a-f-]{36}$/ },
    'app_exit.json': { event: 'app_exit', level: 'warning', title: /OneLiveRec exited/, time: '2026-03-11T23:59:59.123Z' },
    'live_start.json': { event: 'live_start', level: 'info', title: /3号直播间/, dedupKey: '398ea849-7c4b-45c4-bd2f-093df217266c', image: 'url', en: /3号直播间 is live/, zh: /3号直播间 开播了/ },
    'live_end.json': { event: 'live_end', level: 'info', title: /Live ended: 3号直播间/, image: null, zh: /下播了/ },
    'video_file_create.json': { event: 'video_file_create', level: 'info', title: /Recording started/ },
    'video_file_finish.json': { event: 'video_file_finish', level: 'success', title: /Recording finished/, en: /Size: 1\.0 GiB\nDuration: 1 h 37 min/ },
    'video_transmux_finish.json': { event: 'video_transmux_finish', level: 'success', title: /Remux finished/, en: /a\.flv → .*a\.mp4/ },
    'title_change.json': { event: 'title_change', level: 'info', title: /Title changed/, en: /哔哩哔哩音悦台 → 深夜点歌台/, zh: /修改了标题/ },
    'category_change.json': { event: 'category_change', level: 'info', title: /Category changed/, en: /生活 \/ 影音馆 → 电台 \/ 唱见电台/ },
    'error.json': { event: 'error', level: 'error', title: /OneLiveRec error/, en: /stream url expired/, zh: /出错/ },
  },
  volcengine: {
    'push_start.flat.json': { event: 'push_start', level: 'info', title: /Stream started: live\/stream-123456/, dedupKey: 'push_start:seq-0001', time: '2023-11-14T22:13:20.029Z', zh: /推流开始/ },
    'push_start.byteplus-envelope.json': { event: 'push_start', level: 'info', title: /Stream started: live\/stream-123456/, dedupKey: 'push_start:seq-0001', time: '2021-12-30T07:31:50.029Z' },
  },
  'bililive-recorder': {
    'SessionStarted.json': { event: 'SessionStarted', level: 'info', title: /Recording started: 3号直播间/, dedupKey: 'e3e1c9ec-f386-4bc3-9e5a-661bf3ed2fb2', time: '2021-05-14T09:52:44.496Z', zh: /开始录制/ },
    // The message says what the stored title (shown by /status and /recent) says.
    'FileOpening.json': { event: 'FileOpening', level: 'info', title: /New recording file/, en: /^New recording file: / },
    'FileClosed.json': { event: 'FileClosed', level: 'success', title: /Recording file finished/, en: /^Recording file finished: [\s\S]*Size: 797\.3 KiB\nDuration: 5 s/ },
    'SessionEnded.json': { event: 'SessionEnded', level: 'info', title: /Recording ended/ },
    'StreamStarted.json': { event: 'StreamStarted', level: 'info', title: /Live now: 3号直播间/, en: /电台 · 唱见电台/, zh: /开播了/ },
    'StreamEnded.json': { event: 'StreamEnded', level: 'info', title: /Live ended/ },
    'v1-legacy.json': { event: 'FileClosed', level: 'success', title: /Recording file finished: 3号直播间/, dedupKey: 'c2a6f1e0-2f3b-4c1a-9a55-0f1e2d3c4b5a' },
  },
  blrec: {
    'LiveBeganEvent.json': { event: 'LiveBeganEvent', level: 'info', title: /Live now: 早稻叽/, dedupKey: '5c1b2a4e-ab3d-11ed-9c4f-0242ac120002', image: 'url', time: '2023-02-13T03:12:13.123Z', zh: /早稻叽 开播了/ },
    'VideoPostprocessingCompletedEvent.json': { event: 'VideoPostprocessingCompletedEvent', level: 'success', title: /Post-processing finished: 22259479/, en: /blive_22259479/, zh: /视频后处理完成/ },
  },
  alertmanager: {
    'firing.json': { event: 'alert.firing', level: 'warning', title: /\[FIRING:1\] HighMemory/, dedupKey: HEX, en: /Memory > 90% on node1/, zh: /告警:1/ },
    'resolved.json': { event: 'alert.resolved', level: 'success', title: /\[RESOLVED\] HighMemory/, dedupKey: HEX, zh: /已恢复/ },
  },
  grafana: {
    'docs-example.firing.json': { event: 'alert.firing', level: 'error', title: /\[FIRING:2\] blue/, dedupKey: HEX, en: /Open Grafana/ },
    'legacy-alerting.json': { event: 'legacy.alerting', level: 'error', title: /\[Alerting\] High CPU/, image: 'url', en: /CPU above 90% on node1/ },
  },
  moviepilot: {
    'notice.message.json': { event: 'notice.message', level: 'info', title: /电影名 \(2024\) 已入库/, image: 'url', en: /整理入库\n质量：1080p/ },
  },
  apprise: {
    'success.json': { event: 'success', level: 'success', title: /^Backup finished$/, image: null, dedupKey: null, en: /42 GiB in 13 min/ },
    'failure.attachments.json': { event: 'failure', level: 'error', title: /^磁盘告警$/, en: /使用率 97%[\s\S]*Attachments: df\.txt/, zh: /使用率 97%/ },
    'warning.no-title.json': { event: 'warning', level: 'warning', title: /^$/, en: /Certificate expires in 5 days/ },
  },
};

describe('every fixture has a row', () => {
  for (const format of Object.keys(table)) {
    it(format, () => expect(Object.keys(table[format]!).sort()).toEqual(fixtureNames(format)));
  }
});

for (const [format, rows] of Object.entries(table)) {
  describe(`${format} fixtures`, () => {
    for (const [file, want] of Object.entries(rows)) {
      it(`${file} → ${want.event} (${want.level})`, async () => {
        const n = await parse(format, fixture(format, file));
        expect(n.event).toBe(want.event);
        expect(n.level).toBe(want.level);
        expect(n.title ?? '').toMatch(want.title);
        if (want.dedupKey instanceof RegExp) expect(n.dedupKey).toMatch(want.dedupKey);
        else if (want.dedupKey !== undefined) expect(n.dedupKey).toBe(want.dedupKey ?? undefined);
        if (want.image === null) expect(n.image).toBeUndefined();
        if (want.image === 'url') expect(n.image).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
        if (want.image === 'bytes') expect(n.image).toMatchObject({ mime: 'image/jpeg', base64: expect.any(String) });
        if (want.imageNote) expect(n.imageNote).toMatch(want.imageNote);
        else expect(n.imageNote).toBeUndefined();
        if (want.to) expect(n.to).toEqual(want.to);
        if (want.time) expect(n.time).toBe(want.time);
        expect(() => new Date(n.time).toISOString()).not.toThrow();
        // Notices are stored as JSON: nothing in them may be lost by a round trip.
        expect(JSON.parse(JSON.stringify(n))).toEqual(JSON.parse(JSON.stringify(n)));

        const en = render(format, n, 'en');
        const zh = render(format, n, 'zh-CN');
        expect(en.title + en.body).not.toBe('');
        expect(zh.title + zh.body).not.toBe('');
        const shown = (o: typeof en) => `${o.title}\n${o.body}\n${o.msg.fields.map((f) => `${f.name}: ${f.value}`).join('\n')}`;
        if (want.en) expect(shown(en)).toMatch(want.en);
        if (want.zh) expect(shown(zh)).toMatch(want.zh);
        // A template that printed an object or an unset value shows its seams.
        // Titles are plain text: no markup escapes in them.
        for (const out of [en, zh]) expect(out.title).not.toMatch(/\\/);
        for (const out of [en, zh]) expect(`${out.title}\n${out.body}`).not.toMatch(/\[object Object\]|undefined|\{\{|\{%/);
      });
    }
  });
}

describe('every format has templates in both locales with a fallback', () => {
  for (const [name, f] of Object.entries(formats)) {
    if (name === 'report') continue;
    it(name, () => {
      expect(f.templates.en['*']).toBeDefined();
      expect(f.templates['zh-CN']['*']).toBeDefined();
      expect(Object.keys(f.templates['zh-CN']).sort()).toEqual(Object.keys(f.templates.en).sort());
    });
  }
});

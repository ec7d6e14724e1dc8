// BililiveRecorder 录播姬 Webhook v2 (reference/inbound-formats.md §2.2):
//   {EventType, EventTimestamp, EventId, EventData: {RoomId, ShortId, Name, Title, AreaNameParent, …}}
// The recorder tries up to 3 times with identical data, so EventId is the dedup key. Order is not
// guaranteed (SessionEnded may come before FileClosed). The deprecated v1 flat body
// {EventRandomId, RoomId, Name, Title, RelativePath, FileSize, StartRecordTime, EndRecordTime}
// was sent when a file was finished; it is read as a FileClosed.
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import type { Level } from '../notice.js';
import { asObject, bool, clip, eventTime, fields, humanBytes, humanDuration, MAX_TITLE, num, spreadable, str, wording, bounded, own } from './lenient.js';
import { plainTitles } from './plain-titles.js';

const eventData = z.looseObject({
  RoomId: num,
  ShortId: num,
  Name: str,
  Title: str,
  AreaNameParent: str,
  AreaNameChild: str,
  SessionId: str,
  RelativePath: str,
  FileSize: num,
  Duration: num,
  FileOpenTime: str,
  FileCloseTime: str,
  Recording: bool,
  Streaming: bool,
  DanmakuConnected: bool,
});

const v2 = z.object({
  EventType: z.string({ error: 'must be the event type, e.g. "StreamStarted"' }),
  EventTimestamp: str,
  EventId: str,
  EventData: eventData.nullish().transform((v) => v ?? eventData.parse({})),
});

const v1 = z.object({
  EventRandomId: str,
  RoomId: num,
  Name: str,
  Title: str,
  RelativePath: str,
  FileSize: num,
  StartRecordTime: str,
  EndRecordTime: str,
});

const NAMES: Record<string, { en: string; zh: string; level: Level }> = {
  SessionStarted: { en: 'Recording started', zh: '录制开始', level: 'info' },
  SessionEnded: { en: 'Recording ended', zh: '录制结束', level: 'info' },
  FileOpening: { en: 'New recording file', zh: '新建录制文件', level: 'info' },
  FileClosed: { en: 'Recording file finished', zh: '录制文件完成', level: 'success' },
  StreamStarted: { en: 'Live now', zh: '开播了', level: 'info' },
  StreamEnded: { en: 'Live ended', zh: '下播了', level: 'info' },
};

export const bililiveRecorder: InboundFormat = {
  name: 'bililive-recorder',
  parse(body, ctx) {
    const obj = asObject(body);
    const isV1 = obj.EventType === undefined && obj.EventRandomId !== undefined;
    const b = isV1
      ? (() => {
          const o = v1.parse(obj);
          const data = eventData.parse({ RoomId: o.RoomId, Name: o.Name, Title: o.Title, RelativePath: o.RelativePath, FileSize: o.FileSize, FileOpenTime: o.StartRecordTime, FileCloseTime: o.EndRecordTime });
          return { EventType: 'FileClosed', EventTimestamp: o.EndRecordTime, EventId: o.EventRandomId, EventData: data };
        })()
      : v2.parse(obj);
    const d = b.EventData;
    const name = own(NAMES, b.EventType) ?? { en: b.EventType, zh: b.EventType, level: 'info' as Level };
    const zh = ctx.config.locale === 'zh-CN';
    const w = wording(ctx.config);
    const room = d.RoomId !== undefined ? String(d.RoomId) : undefined;
    const area = [d.AreaNameParent, d.AreaNameChild].filter(Boolean).join(' · ');
    const link = room ? `https://live.bilibili.com/${room}` : undefined;
    return bounded({
      event: b.EventType,
      level: name.level,
      title: clip(`${zh ? name.zh : name.en}: ${d.Name ?? room ?? ''}`, MAX_TITLE),
      text: clip(d.RelativePath ?? d.Title ?? ''),
      fields: fields([
        [w('Room', '房间'), room],
        [w('Area', '分区'), area],
        [w('Size', '大小'), humanBytes(d.FileSize)],
        [w('Duration', '时长'), humanDuration(d.Duration, ctx.config.locale)],
      ]),
      link,
      time: eventTime(b.EventTimestamp, ctx.clock, ctx.config.timezone),
      dedupKey: b.EventId,
      vars: {
        ...spreadable(d),
        EventType: b.EventType,
        EventId: b.EventId,
        EventTimestamp: b.EventTimestamp,
        label: { en: name.en, zh: name.zh },
        area,
        url: link,
        size: humanBytes(d.FileSize),
        length: humanDuration(d.Duration, ctx.config.locale),
      },
    });
  },
  templates: plainTitles({
    en: {
      StreamStarted: { title: '{{ Name }} is live', text: '**{{ Title }}**{% if url %}\n[Watch]({{ url | raw }}){% endif %}' },
      StreamEnded: { title: '{{ Name }} ended the stream', text: '{{ Title }}' },
      SessionStarted: { title: 'Recording {{ Name }}', text: '{{ Title }}' },
      SessionEnded: { title: 'Stopped recording {{ Name }}', text: '{{ Title }}' },
      FileOpening: { title: 'New recording file: {{ Name }}', text: '`{{ RelativePath }}`' },
      FileClosed: { title: 'Recording file finished: {{ Name }}', text: '`{{ RelativePath }}`' },
      '*': { title: '{{ EventType }}: {{ Name }}', text: '{{ Title }}' },
    },
    'zh-CN': {
      StreamStarted: { title: '{{ Name }} 开播了', text: '**{{ Title }}**{% if url %}\n[观看直播]({{ url | raw }}){% endif %}' },
      StreamEnded: { title: '{{ Name }} 下播了', text: '{{ Title }}' },
      SessionStarted: { title: '开始录制 {{ Name }}', text: '{{ Title }}' },
      SessionEnded: { title: '结束录制 {{ Name }}', text: '{{ Title }}' },
      FileOpening: { title: '新建录制文件：{{ Name }}', text: '`{{ RelativePath }}`' },
      FileClosed: { title: '录制文件完成：{{ Name }}', text: '`{{ RelativePath }}`' },
      '*': { title: '{{ EventType }}：{{ Name }}', text: '{{ Title }}' },
    },
  }),
};

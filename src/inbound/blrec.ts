// blrec (acgnhiki/blrec, reference/inbound-formats.md §2.3): {type, id, date, data}.
// `date` is Python's str(datetime) ("2023-02-13 11:12:13.123456+08:00", with a space). blrec
// retries for about 3 minutes on errors, so `id` (a uuid1) is the dedup key.
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import type { Level } from '../notice.js';
import { asObject, clip, eventTime, fields, httpUrl, MAX_TITLE, num, spreadable, str, wording, bounded, own } from './lenient.js';
import { plainTitles } from './plain-titles.js';

const roomInfo = z.looseObject({ room_id: num, short_room_id: num, uid: num, title: str, cover: str, area_name: str, parent_area_name: str, live_status: num });
const userInfo = z.looseObject({ name: str, face: str, uid: num });

const schema = z.object({
  type: z.string({ error: 'must be the event type, e.g. "LiveBeganEvent"' }),
  id: str,
  date: str,
  data: z
    .looseObject({
      user_info: userInfo.nullish(),
      room_info: roomInfo.nullish(),
      room_id: num,
      path: str,
      files: z.array(z.string()).nullish(),
      threshold: num,
      name: str,
      detail: str,
    })
    .nullish()
    .transform((v) => v ?? ({} as Record<string, undefined>)),
});

const NAMES: Record<string, { en: string; zh: string; level: Level }> = {
  LiveBeganEvent: { en: 'Live now', zh: '开播了', level: 'info' },
  LiveEndedEvent: { en: 'Live ended', zh: '下播了', level: 'info' },
  RoomChangeEvent: { en: 'Room changed', zh: '直播间信息变更', level: 'info' },
  RecordingStartedEvent: { en: 'Recording started', zh: '录制开始', level: 'info' },
  RecordingFinishedEvent: { en: 'Recording finished', zh: '录制完成', level: 'success' },
  RecordingCancelledEvent: { en: 'Recording cancelled', zh: '录制取消', level: 'warning' },
  VideoFileCreatedEvent: { en: 'Video file created', zh: '视频文件创建', level: 'info' },
  VideoFileCompletedEvent: { en: 'Video file completed', zh: '视频文件完成', level: 'success' },
  DanmakuFileCreatedEvent: { en: 'Danmaku file created', zh: '弹幕文件创建', level: 'info' },
  DanmakuFileCompletedEvent: { en: 'Danmaku file completed', zh: '弹幕文件完成', level: 'success' },
  RawDanmakuFileCreatedEvent: { en: 'Raw danmaku file created', zh: '原始弹幕文件创建', level: 'info' },
  RawDanmakuFileCompletedEvent: { en: 'Raw danmaku file completed', zh: '原始弹幕文件完成', level: 'success' },
  CoverImageDownloadedEvent: { en: 'Cover downloaded', zh: '封面已下载', level: 'info' },
  VideoPostprocessingCompletedEvent: { en: 'Post-processing finished', zh: '视频后处理完成', level: 'success' },
  PostprocessingCompletedEvent: { en: 'Post-processing finished', zh: '后处理完成', level: 'success' },
  SpaceNoEnoughEvent: { en: 'Disk space low', zh: '磁盘空间不足', level: 'warning' },
  Error: { en: 'blrec error', zh: 'blrec 出错', level: 'error' },
};

export const blrec: InboundFormat = {
  name: 'blrec',
  parse(body, ctx) {
    const b = schema.parse(asObject(body));
    const d = b.data;
    const name = own(NAMES, b.type) ?? { en: b.type, zh: b.type, level: 'info' as Level };
    const zh = ctx.config.locale === 'zh-CN';
    const w = wording(ctx.config);
    const room = d.room_info?.room_id ?? d.room_id;
    const who = d.user_info?.name ?? (room !== undefined ? String(room) : undefined);
    const area = [d.room_info?.parent_area_name, d.room_info?.area_name].filter(Boolean).join(' · ');
    const link = room !== undefined ? `https://live.bilibili.com/${room}` : undefined;
    const cover = httpUrl(d.room_info?.cover);
    return bounded({
      event: b.type,
      level: name.level,
      title: clip(`${zh ? name.zh : name.en}${who ? ': ' + who : ''}`, MAX_TITLE),
      text: clip(d.detail ?? d.name ?? d.path ?? d.files?.join('\n') ?? d.room_info?.title ?? ''),
      fields: fields([
        [w('Room', '房间'), room],
        [w('Area', '分区'), area],
      ]),
      image: b.type === 'LiveBeganEvent' && cover ? { url: cover } : undefined,
      link,
      time: eventTime(b.date, ctx.clock, ctx.config.timezone),
      dedupKey: b.id,
      vars: {
        ...spreadable(d),
        type: b.type,
        id: b.id,
        date: b.date,
        label: { en: name.en, zh: name.zh },
        streamer: who,
        area,
        url: link,
        files: d.files ?? undefined,
      },
    });
  },
  templates: plainTitles({
    en: {
      LiveBeganEvent: { title: '{{ streamer }} is live', text: '**{{ room_info.title }}**{% if url %}\n[Watch]({{ url | raw }}){% endif %}' },
      LiveEndedEvent: { title: '{{ streamer }} ended the stream', text: '{{ room_info.title }}' },
      Error: { title: 'blrec error: {{ name }}', text: '`{{ detail }}`' },
      '*': { title: '{{ label.en }}{% if streamer %}: {{ streamer }}{% endif %}', text: '{% if path %}`{{ path }}`{% elsif files %}{% for f in files %}`{{ f }}`\n{% endfor %}{% else %}{{ text }}{% endif %}' },
    },
    'zh-CN': {
      LiveBeganEvent: { title: '{{ streamer }} 开播了', text: '**{{ room_info.title }}**{% if url %}\n[观看直播]({{ url | raw }}){% endif %}' },
      LiveEndedEvent: { title: '{{ streamer }} 下播了', text: '{{ room_info.title }}' },
      Error: { title: 'blrec 出错：{{ name }}', text: '`{{ detail }}`' },
      '*': { title: '{{ label.zh }}{% if streamer %}：{{ streamer }}{% endif %}', text: '{% if path %}`{{ path }}`{% elsif files %}{% for f in files %}`{{ f }}`\n{% endfor %}{% else %}{{ text }}{% endif %}' },
    },
  }),
};

// OneLiveRec webhooks (seeds/000, reference/inbound-formats.md §2.1): {id, ts, type, data}.
// Unsigned; the docs' own receiver checks a `?key=` query secret, which the source token accepts.
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import type { Level } from '../notice.js';
import { asObject, clip, eventTime, fields, httpUrl, humanBytes, humanDuration, loose, MAX_TITLE, num, spreadable, str, wording, bounded, own } from './lenient.js';
import { plainTitles } from './plain-titles.js';

const liveInfo = loose({
  uid: str,
  uname: str,
  avatar: str,
  title: str,
  cover: str,
  categories: z
    .union([z.array(z.union([z.string(), z.number()]).transform(String)), z.string()])
    .nullish()
    .transform((v) => (v == null ? [] : Array.isArray(v) ? v : [v])),
  status: str,
  live_id: str,
  start_time: str,
});

const schema = z.object({
  id: str,
  ts: str,
  type: z.string({ error: 'must be the event type, e.g. "live_start"' }),
  data: z.looseObject({
    platform: str,
    channel: str,
    url: str,
    live_info: liveInfo,
    old_live_info: liveInfo,
    new_live_info: liveInfo,
    path: str,
    filesize: num,
    duration: num,
    input: str,
    output: str,
    error: str,
  })
    .nullish()
    .transform((v) => v ?? ({} as Record<string, undefined>)),
});

type Info = NonNullable<z.output<typeof liveInfo>>;

const NAMES: Record<string, { en: string; zh: string; level: Level }> = {
  app_launch: { en: 'OneLiveRec started', zh: 'OneLiveRec 已启动', level: 'info' },
  app_exit: { en: 'OneLiveRec exited', zh: 'OneLiveRec 已退出', level: 'warning' },
  live_start: { en: 'Live now', zh: '开播了', level: 'info' },
  live_end: { en: 'Live ended', zh: '下播了', level: 'info' },
  video_file_create: { en: 'Recording started', zh: '开始录制', level: 'info' },
  video_file_finish: { en: 'Recording finished', zh: '录制完成', level: 'success' },
  video_transmux_finish: { en: 'Remux finished', zh: '转封装完成', level: 'success' },
  title_change: { en: 'Title changed', zh: '标题变更', level: 'info' },
  category_change: { en: 'Category changed', zh: '分类变更', level: 'info' },
  error: { en: 'OneLiveRec error', zh: 'OneLiveRec 出错', level: 'error' },
};

const cats = (i: Info | undefined) => (i?.categories ?? []).join(' / ');

export const onelive: InboundFormat = {
  name: 'onelive',
  parse(body, ctx) {
    const b = schema.parse(asObject(body));
    const d = b.data;
    const info = d.live_info ?? d.new_live_info;
    const name = own(NAMES, b.type) ?? { en: `OneLiveRec: ${b.type}`, zh: `OneLiveRec：${b.type}`, level: 'info' as Level };
    const zh = ctx.config.locale === 'zh-CN';
    const w = wording(ctx.config);
    const who = info?.uname || d.channel;
    const change =
      b.type === 'title_change'
        ? { old: d.old_live_info?.title ?? '', new: d.new_live_info?.title ?? '' }
        : b.type === 'category_change'
          ? { old: cats(d.old_live_info), new: cats(d.new_live_info) }
          : undefined;
    const text =
      d.error ??
      (change ? `${change.old} → ${change.new}` : undefined) ??
      (d.input && d.output ? `${d.input} → ${d.output}` : undefined) ??
      d.path ??
      info?.title ??
      '';
    const cover = httpUrl(info?.cover);
    return bounded({
      event: b.type,
      level: name.level,
      title: clip(who ? `${zh ? name.zh : name.en}: ${who}` : zh ? name.zh : name.en, MAX_TITLE),
      text: clip(text),
      fields: fields([
        [w('Platform', '平台'), d.platform],
        [w('Channel', '频道'), d.channel],
        [w('Category', '分类'), b.type === 'category_change' ? undefined : cats(info)],
        [w('Size', '大小'), humanBytes(d.filesize)],
        [w('Duration', '时长'), humanDuration(d.duration, ctx.config.locale)],
      ]),
      image: b.type === 'live_start' && cover ? { url: cover } : undefined,
      link: httpUrl(d.url),
      time: eventTime(b.ts, ctx.clock, ctx.config.timezone),
      dedupKey: b.id,
      vars: {
        ...spreadable(d),
        url: httpUrl(d.url),
        id: b.id ?? '',
        ts: b.ts ?? '',
        type: b.type,
        label: { en: name.en, zh: name.zh },
        streamer: who ?? '',
        categories: cats(info),
        change,
        size: humanBytes(d.filesize) ?? '',
        length: humanDuration(d.duration, ctx.config.locale) ?? '',
      },
    });
  },
  templates: plainTitles({
    en: {
      live_start: { title: '{{ streamer }} is live', text: '**{{ live_info.title }}**{% if url %}\n[Watch]({{ url | raw }}){% endif %}' },
      live_end: { title: '{{ streamer }} ended the stream', text: '{{ live_info.title }}' },
      title_change: { title: '{{ streamer }} changed the title', text: '_{{ change.old }}_ → **{{ change.new }}**' },
      category_change: { title: '{{ streamer }} changed the category', text: '_{{ change.old }}_ → **{{ change.new }}**' },
      video_file_create: { title: 'Recording started: {{ channel }}', text: '`{{ path }}`' },
      video_file_finish: { title: 'Recording finished: {{ channel }}', text: '`{{ path }}`' },
      video_transmux_finish: { title: 'Remux finished: {{ channel }}', text: '`{{ input }}` → `{{ output }}`' },
      error: { title: 'OneLiveRec error{% if channel %}: {{ platform }}/{{ channel }}{% endif %}', text: '`{{ error }}`' },
      '*': { title: '{{ label.en }}', text: '{{ text }}' },
    },
    'zh-CN': {
      live_start: { title: '{{ streamer }} 开播了', text: '**{{ live_info.title }}**{% if url %}\n[观看直播]({{ url | raw }}){% endif %}' },
      live_end: { title: '{{ streamer }} 下播了', text: '{{ live_info.title }}' },
      title_change: { title: '{{ streamer }} 修改了标题', text: '_{{ change.old }}_ → **{{ change.new }}**' },
      category_change: { title: '{{ streamer }} 修改了分类', text: '_{{ change.old }}_ → **{{ change.new }}**' },
      video_file_create: { title: '开始录制：{{ channel }}', text: '`{{ path }}`' },
      video_file_finish: { title: '录制完成：{{ channel }}', text: '`{{ path }}`' },
      video_transmux_finish: { title: '转封装完成：{{ channel }}', text: '`{{ input }}` → `{{ output }}`' },
      error: { title: 'OneLiveRec 出错{% if channel %}：{{ platform }}/{{ channel }}{% endif %}', text: '`{{ error }}`' },
      '*': { title: '{{ label.zh }}', text: '{{ text }}' },
    },
  }),
};

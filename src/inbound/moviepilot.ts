// MoviePilot's "Webhook" plugin (jxxghp/MoviePilot-Plugins: plugins/webhook), reference
// §3.2: {type, data}, one POST per MoviePilot event. `type` is the EventType value on v2
// ("transfer.complete"); `data` is the event's data turned into dicts, and differs per event, so
// only notice.message's {title, text, image} is relied on; other events are read tolerantly.
// MoviePilot signs nothing and cannot set headers: put the token in the URL (?token=).
import * as z from 'zod';
import type { InboundFormat } from './format.js';
import type { Level } from '../notice.js';
import { asObject, clip, eventTime, fields, httpUrl, MAX_TITLE, spreadable, str, bounded, own, wording } from './lenient.js';
import { plainTitles } from './plain-titles.js';

const schema = z.object({
  type: z.union([z.string(), z.looseObject({ value: z.string() }).transform((o) => o.value)], { error: 'must be the event type, e.g. "transfer.complete"' }),
  data: z
    .union([
      z.looseObject({ title: str, text: str, message: str, image: str, type: str }),
      z.string().transform((s) => ({ text: s }) as Record<string, unknown>),
    ])
    .nullish()
    .transform((v) => (v ?? {}) as Record<string, unknown> & { title?: string; text?: string; message?: string; image?: string; type?: string }),
});

const NAMES: Record<string, { en: string; zh: string; level?: Level }> = {
  'notice.message': { en: 'Notice', zh: '通知' },
  'transfer.complete': { en: 'Imported to library', zh: '整理入库', level: 'success' },
  'download.added': { en: 'Download added', zh: '添加下载' },
  'subscribe.added': { en: 'Subscription added', zh: '新增订阅' },
  'subscribe.modified': { en: 'Subscription changed', zh: '订阅已修改' },
  'subscribe.deleted': { en: 'Subscription deleted', zh: '订阅已删除' },
  'subscribe.complete': { en: 'Subscription complete', zh: '订阅完成', level: 'success' },
  'system.error': { en: 'System error', zh: '系统错误', level: 'error' },
  'site.deleted': { en: 'Site deleted', zh: '站点已删除' },
  'site.updated': { en: 'Site updated', zh: '站点已更新' },
  'site.refreshed': { en: 'Sites refreshed', zh: '站点已刷新' },
  'history.deleted': { en: 'History deleted', zh: '历史记录已删除' },
  'download.deleted': { en: 'Download deleted', zh: '下载已删除' },
  'downloadfile.deleted': { en: 'Downloaded file deleted', zh: '下载文件已删除' },
  'plugin.reload': { en: 'Plugin reloaded', zh: '插件重载' },
  'plugin.action': { en: 'Plugin action', zh: '插件动作' },
  'plugin.triggered': { en: 'Plugin triggered', zh: '插件触发' },
  'command.excute': { en: 'Command run', zh: '执行命令' },
  'user.message': { en: 'User message', zh: '用户消息' },
  'webhook.message': { en: 'Webhook message', zh: 'Webhook 消息' },
  'metadata.scrape': { en: 'Metadata scraped', zh: '刮削元数据' },
  'module.reload': { en: 'Module reloaded', zh: '模块重载' },
  'config.updated': { en: 'Settings changed', zh: '配置已更新' },
  'message.action': { en: 'Message action', zh: '消息动作' },
  'workflow.execute': { en: 'Workflow run', zh: '执行工作流' },
};

const SHOWN = new Set(['title', 'text', 'message', 'image', 'type', 'channel', 'userid', 'username']);

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export const moviepilot: InboundFormat = {
  name: 'moviepilot',
  parse(body, ctx) {
    const b = schema.parse(asObject(body));
    const d = b.data;
    const name = own(NAMES, b.type) ?? { en: b.type, zh: b.type };
    const zh = ctx.config.locale === 'zh-CN';
    const w = wording(ctx.config);
    // transfer.complete and subscribe.* carry `mediainfo`; download.added carries a Context
    // {meta_info, media_info, torrent_info} under `context` (MoviePilot's DownloadChain).
    const context = obj(d.context);
    const media = obj(d.mediainfo) ?? obj(context?.media_info);
    const torrent = obj(context?.torrent_info);
    const meta = obj(context?.meta_info);
    const mediaTitle = typeof media?.title_year === 'string' ? media.title_year : typeof media?.title === 'string' ? media.title : undefined;
    const title = d.title ?? mediaTitle;
    const image = httpUrl(d.image) ?? httpUrl(typeof media?.poster_path === 'string' ? media.poster_path : undefined);
    const scalars = Object.entries(d).filter(([k, v]) => !SHOWN.has(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')).slice(0, 10);
    return bounded({
      event: b.type,
      level: name.level ?? (/error|fail|失败|错误/i.test(`${d.type ?? ''} ${title ?? ''}`) ? 'error' : 'info'),
      title: clip(title ?? (zh ? name.zh : name.en), MAX_TITLE),
      text: clip(d.text ?? d.message ?? ''),
      fields: fields([
        ...(torrent ? ([[w('Torrent', '种子'), torrent.title], [w('Site', '站点'), torrent.site_name]] as [string, unknown][]) : []),
        ...(meta && typeof meta.season_episode === 'string' && meta.season_episode ? ([[w('Episodes', '集数'), meta.season_episode]] as [string, unknown][]) : []),
        ...scalars,
      ]),
      image: image ? { url: image } : undefined,
      time: eventTime(undefined, ctx.clock),
      vars: { ...spreadable(d), type: b.type, kind: d.type, label: { en: name.en, zh: name.zh }, media_title: mediaTitle },
    });
  },
  templates: plainTitles({
    en: {
      'notice.message': { title: '{{ title }}', text: '{% if kind %}_{{ kind }}_\n{% endif %}{{ text }}' },
      '*': { title: '{{ title }}', text: '{% unless title == label.en or title == label.zh %}_{{ label.en }}_\n{% endunless %}{{ text }}' },
    },
    'zh-CN': {
      'notice.message': { title: '{{ title }}', text: '{% if kind %}_{{ kind }}_\n{% endif %}{{ text }}' },
      '*': { title: '{{ title }}', text: '{% unless title == label.en or title == label.zh %}_{{ label.zh }}_\n{% endunless %}{{ text }}' },
    },
  }),
};

// Notice → Message: picks the template (config first, then the format's default for the locale),
// renders it with liquidjs, every substituted value escaped for the neutral markup.
import type { Template as LiquidTemplate } from 'liquidjs';
import { liquidEngine } from './liquid-engine.js';
import type { Message, MessageImage } from '../message.js';
import type { Notice } from '../notice.js';
import type { InboundFormat, Template } from '../inbound/format.js';
import { escapeMarkup, parseMarkup } from './markup.js';
import { formatTime, systemTimeZone } from '../i18n/time.js';

export type Locale = 'en' | 'zh-CN';

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };

type Compiled = { title?: LiquidTemplate[]; text?: LiquidTemplate[] };

export class Renderer {
  private readonly liquid = liquidEngine({ outputEscape: (v: unknown) => escapeMarkup(stringify(v)), cache: true });
  // Titles are plain text (adapters escape them for their platform), so nothing is escaped there.
  private readonly plain = liquidEngine({ outputEscape: (v: unknown) => stringify(v), cache: true });
  private readonly compiled = new Map<string, Compiled>();

  constructor(
    private readonly configTemplates: Record<string, Template>,
    private readonly formats: Record<string, InboundFormat>,
    private readonly defaultLocale: Locale,
    /** The IANA zone a source's times are shown in (its `timezone`, else the config's, else the system's). */
    private readonly zoneOf: (source: string) => string = () => systemTimeZone(),
  ) {}

  /** Compiles every configured template; returns problems as `templates.<key>: …` lines. */
  check(): string[] {
    const problems: string[] = [];
    for (const [key, t] of Object.entries(this.configTemplates)) {
      try {
        this.compile('config:' + key, t);
      } catch (e) {
        problems.push(`templates.${key}: ${(e as Error).message.split('\n')[0]}: fix the liquid syntax`);
      }
    }
    return problems;
  }

  private compile(cacheKey: string, t: Template): Compiled {
    let c = this.compiled.get(cacheKey);
    if (!c) {
      const obj = typeof t === 'string' ? { text: t } : t;
      c = {
        title: obj.title !== undefined ? this.plain.parse(obj.title) : undefined,
        text: obj.text !== undefined ? this.liquid.parse(obj.text) : undefined,
      };
      this.compiled.set(cacheKey, c);
    }
    return c;
  }

  /** Config keys looked at, most specific first: `<source>.<event>`, `<event>`, `<source>`. */
  private pick(n: Notice, locale: Locale): { key: string; template: Template } | undefined {
    // Object.hasOwn: event names come from payloads, and `constructor` is not a template.
    for (const k of [`${n.source}.${n.event}`, n.event, n.source]) {
      if (Object.hasOwn(this.configTemplates, k)) return { key: 'config:' + k, template: this.configTemplates[k]! };
    }
    const defaults = this.formats[n.format]?.templates[locale] ?? {};
    for (const k of [n.event, '*']) {
      if (Object.hasOwn(defaults, k)) return { key: `${n.format}:${locale}:${k}`, template: defaults[k]! };
    }
    return undefined;
  }

  render(n: Notice, opts: { locale?: Locale; silent?: boolean } = {}): Message {
    const locale = opts.locale ?? this.defaultLocale;
    const picked = this.pick(n, locale);
    let title = n.title;
    let text = n.text !== undefined ? escapeMarkup(n.text) : '';
    if (picked) {
      const c = this.compile(picked.key, picked.template);
      const scope = {
        source: n.source,
        event: n.event,
        level: n.level,
        // As people read it, in the source's zone (`2024-05-01 20:00 UTC+8`); `time_iso` as sent.
        time: readableTime(n.time, this.zoneOf(n.source), locale),
        time_iso: n.time,
        fields: n.fields ?? [],
        link: n.link,
        title: n.title,
        text: n.text,
        ...n.vars,
      };
      if (c.title) title = this.plain.renderSync(c.title, scope).trim() || undefined;
      if (c.text) text = this.liquid.renderSync(c.text, scope).replace(/\n{3,}/g, '\n\n').trim();
    }
    for (const note of n.notes ?? []) text += (text ? '\n' : '') + '_' + escapeMarkup(note) + '_';
    if (n.imageNote) text += (text ? '\n' : '') + '_' + escapeMarkup(n.imageNote) + '_';
    return {
      title,
      body: parseMarkup(text),
      fields: n.fields ?? [],
      image: toImage(n),
      link: n.link,
      level: n.level,
      source: n.source,
      event: n.event,
      time: n.time,
      silent: opts.silent ?? n.silent ?? false,
      notice: n,
    };
  }
}

function toImage(n: Notice): MessageImage | undefined {
  if (!n.image) return undefined;
  if ('url' in n.image) return { url: n.image.url };
  return { data: Buffer.from(n.image.base64, 'base64'), mime: n.image.mime, filename: `image.${EXT[n.image.mime] ?? 'bin'}` };
}

function readableTime(iso: string, zone: string, locale: Locale): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : formatTime(ms, zone, locale);
}

function stringify(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// How a platform shows a message, for the dashboard's preview: the text (or JSON body) the platform
// would receive. Each platform may give its own (bots/<platform>/preview.ts); the rest fall back to
// the readable text every platform starts from.
import type { Message } from './message.js';
import { plainText } from './render/markup.js';

export interface Preview {
  /** What the text is in: `html`, `markdown`, `json`, `text` … */
  format: string;
  text: string;
}

export type PreviewFn = (msg: Message) => Preview;

/** Title, body, fields and link as plain lines. */
export function plainPreview(msg: Message): Preview {
  const lines: string[] = [];
  if (msg.title) lines.push(msg.title);
  const body = plainText(msg.body);
  if (body) lines.push(body);
  for (const f of msg.fields) lines.push(`${f.name}: ${f.value}`);
  if (msg.link) lines.push(msg.link);
  if (msg.image) lines.push('url' in msg.image ? `[image: ${msg.image.url}]` : `[image: ${msg.image.mime}]`);
  return { format: 'text', text: lines.join('\n') };
}

export interface BotPreview extends Preview {
  bot: string;
  platform: string;
}

/**
 * One preview per configured bot: the notice rendered as the worker would render it for that bot's
 * deliveries, in the platform's own form.
 */
export async function previewFor(
  render: (locale?: string) => Message,
  bots: Iterable<[string, { platform: string }]>,
  previews: Record<string, () => Promise<PreviewFn>>,
  locale?: string,
): Promise<BotPreview[]> {
  const msg = render(locale);
  const out: BotPreview[] = [];
  for (const [bot, { platform }] of bots) {
    const load = previews[platform];
    const p = load ? (await load())(msg) : plainPreview(msg);
    out.push({ bot, platform, ...p });
  }
  return out;
}

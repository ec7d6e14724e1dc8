// What a reader of a DingTalk, WeCom or Feishu-card message sees: their markdown back into text and
// formatted runs. Strict like the other readers: an unescaped marker counts as formatting.
import type { Run, Seen } from './seen.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
const decode = (s: string) => s.replace(/&(#\d+|\w+);/g, (m, e: string) => (e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : (ENTITIES[e] ?? m)));

/** Robot markdown (DingTalk, WeCom, Feishu card): headings, **bold**, *italic*, `code`, [label](url), <font>. */
export function fromRobotMarkdown(md: string): Seen {
  let text = '';
  const runs: Run[] = [];
  const open = new Map<string, number>();
  const src = md.replace(/^#{1,6} /gm, '').replace(/ {2}\n/g, '\n');
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const rest = src.slice(i);
    if (c === '\\' && i + 1 < src.length && /[^\p{L}\p{N}\s]/u.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
    } else if (c === '&' && /^&(#\d+|\w+);/.test(rest)) {
      const m = /^&(#\d+|\w+);/.exec(rest)!;
      text += decode(m[0]);
      i += m[0].length;
    } else if (/^<\/?font[^>]*>/.test(rest)) {
      i += /^<\/?font[^>]*>/.exec(rest)![0].length;
    } else if (c === '<') {
      // Any other tag is markup the reader does not see as text: a mention or HTML.
      const end = src.indexOf('>', i);
      runs.push({ kind: /^<@/.test(rest) ? 'mention' : 'other', text: src.slice(i, end + 1) });
      i = end < 0 ? src.length : end + 1;
    } else if (rest.startsWith('**') || c === '*') {
      const marker = rest.startsWith('**') ? '**' : '*';
      const at = open.get(marker);
      if (at === undefined) open.set(marker, text.length);
      else {
        open.delete(marker);
        runs.push({ kind: marker === '**' ? 'bold' : 'italic', text: text.slice(at) });
      }
      i += marker.length;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      const code = src.slice(i + 1, end < 0 ? src.length : end);
      runs.push({ kind: 'code', text: code });
      text += code;
      i = end < 0 ? src.length : end + 1;
    } else if (c === '[' && /^\[[^\]]*\]\([^)\s]*\)/.test(rest)) {
      const m = /^\[([^\]]*)\]\(([^)\s]*)\)/.exec(rest)!;
      const label = fromRobotMarkdown(m[1]!).text;
      runs.push({ kind: 'link', text: label, url: decodeURI(m[2]!) });
      text += label;
      i += m[0].length;
    } else {
      text += c;
      i++;
    }
  }
  return { text, runs };
}

/** Feishu `post` rich text: lines of text and link elements. */
export function fromFeishuPost(post: { title?: string; content: any[][] }): Seen {
  const runs: Run[] = [];
  const lines = post.content.map((line) =>
    line
      .map((el) => {
        const t = el.tag === 'text' || el.tag === 'a' ? String(el.text) : '';
        if (el.tag === 'a') runs.push({ kind: 'link', text: t, url: el.href });
        for (const s of el.style ?? []) if (s === 'bold' || s === 'italic') runs.push({ kind: s, text: t });
        return t;
      })
      .join(''),
  );
  return { text: [post.title ?? '', ...lines].filter(Boolean).join('\n'), runs };
}

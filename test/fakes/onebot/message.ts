// The fake's reading of a OneBot v11 `message` (message/segment.md, message/string.md): a segment
// array, or a CQ-code string. Invalid messages are refused the way NapCat refuses bad params.

export interface Segment {
  type: string;
  data: Record<string, string>;
}

const KNOWN = new Set(['text', 'image', 'at', 'face', 'reply']);

const unescapeCq = (s: string, inParam: boolean) => {
  let out = s.replace(/&#91;/g, '[').replace(/&#93;/g, ']');
  if (inParam) out = out.replace(/&#44;/g, ',');
  return out.replace(/&amp;/g, '&');
};

/** CQ string → segments: `text[CQ:type,k=v,…]text`. */
export function parseCq(s: string): Segment[] {
  const out: Segment[] = [];
  const re = /\[CQ:([a-z_]+)((?:,[^,\]=]+=[^,\]]*)*)\]/g;
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (m.index! > last) out.push({ type: 'text', data: { text: unescapeCq(s.slice(last, m.index), false) } });
    const data: Record<string, string> = {};
    for (const kv of m[2]!.split(',').slice(1)) {
      const eq = kv.indexOf('=');
      data[kv.slice(0, eq)] = unescapeCq(kv.slice(eq + 1), true);
    }
    out.push({ type: m[1]!, data });
    last = m.index! + m[0].length;
  }
  if (last < s.length) out.push({ type: 'text', data: { text: unescapeCq(s.slice(last), false) } });
  return out;
}

/** The message as segments, or the reason it is refused. */
export function readMessage(message: unknown, autoEscape: boolean): Segment[] | string {
  if (typeof message === 'string') return autoEscape ? [{ type: 'text', data: { text: message } }] : parseCq(message);
  if (message && typeof message === 'object' && !Array.isArray(message)) message = [message];
  if (!Array.isArray(message) || message.length === 0) return 'message 不能为空';
  const out: Segment[] = [];
  for (const seg of message) {
    if (!seg || typeof seg !== 'object' || typeof seg.type !== 'string' || !seg.data || typeof seg.data !== 'object') return '消息段格式错误: 需要 {type, data}';
    if (!KNOWN.has(seg.type)) return `不支持的消息段类型: ${seg.type}`;
    const data = Object.fromEntries(Object.entries(seg.data as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    if (seg.type === 'text' && typeof seg.data.text !== 'string') return 'text 消息段缺少 text';
    if (seg.type === 'image') {
      const problem = imageProblem(data['file']);
      if (problem) return problem;
    }
    out.push({ type: seg.type, data });
  }
  return out;
}

function imageProblem(file: string | undefined): string | undefined {
  if (!file) return 'image 消息段缺少 file';
  if (/^https?:\/\//.test(file) || file.startsWith('file://')) return undefined;
  if (!file.startsWith('base64://')) return `image file 格式不支持: ${file.slice(0, 20)}`;
  const b64 = file.slice('base64://'.length);
  // Standard base64, no data: prefix, decodable.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return 'image base64 解码失败';
  return undefined;
}

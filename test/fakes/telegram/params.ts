// Bot API parameters arrive four ways (core.telegram.org/bots/api#making-requests): the query string,
// urlencoded, JSON, or multipart. grammY's multipart has lower-case headers without a space and an
// unquoted filename, which Node's own FormData parser rejects; busboy reads it.
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

export interface UploadedFile {
  field: string;
  filename: string;
  mime: string;
  data: Buffer;
}

export interface Params {
  values: Record<string, unknown>;
  files: Record<string, UploadedFile>;
}

// Fields that hold JSON objects or arrays; in urlencoded and multipart bodies they come as JSON strings.
const JSON_FIELDS = new Set(['reply_markup', 'link_preview_options', 'reply_parameters', 'commands', 'allowed_updates', 'scope', 'entities', 'caption_entities']);

function decodeField(name: string, v: string): unknown {
  if (JSON_FIELDS.has(name)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const values: Record<string, unknown> = {};
  const files: Record<string, UploadedFile> = {};
  for (const [k, v] of url.searchParams) values[k] = decodeField(k, v);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    await new Promise<void>((resolve, reject) => {
      const bb = busboy({ headers: req.headers, limits: { fileSize: 60 * 1024 * 1024 } });
      bb.on('field', (name, val) => (values[name] = decodeField(name, val)));
      bb.on('file', (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (d: Buffer) => chunks.push(d));
        stream.on('end', () => (files[name] = { field: name, filename: info.filename ?? name, mime: info.mimeType, data: Buffer.concat(chunks) }));
      });
      bb.on('close', resolve);
      bb.on('error', reject);
      req.pipe(bb);
    });
    return { values, files };
  }
  const body = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
  if (body.length === 0) return { values, files };
  if (type.startsWith('application/json')) {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(values, parsed);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) values[k] = decodeField(k, v);
  }
  return { values, files };
}

/** A file parameter: `attach://<part>` names a part; a part named like the field itself is also accepted. */
export function fileParam(p: Params, field: string): UploadedFile | string | undefined {
  const v = p.values[field];
  if (typeof v === 'string' && v.startsWith('attach://')) return p.files[v.slice('attach://'.length)];
  if (p.files[field]) return p.files[field];
  return typeof v === 'string' ? v : undefined;
}

// Request bodies as Slack accepts them: urlencoded (what @slack/web-api sends, with non-scalar
// arguments as JSON strings inside the form), JSON, and multipart (a Buffer argument, file uploads).
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

export interface ParsedBody {
  fields: Record<string, unknown>;
  files: { name: string; filename: string; mime: string; data: Buffer }[];
  raw: Buffer;
}

// Arguments web-api serialises with JSON.stringify before form-encoding them.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata', 'users_list']);

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('multipart/form-data')) return parseMultipart(req);
  const raw = await readBody(req);
  if (type.startsWith('application/json')) {
    return { fields: raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {}, files: [], raw };
  }
  const fields: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) fields[k] = decodeField(k, v);
  return { fields, files: [], raw };
}

function decodeField(k: string, v: string): unknown {
  if (!JSON_FIELDS.has(k)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function parseMultipart(req: IncomingMessage): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    const out: ParsedBody = { fields: {}, files: [], raw: Buffer.alloc(0) };
    const bb = busboy({ headers: req.headers });
    bb.on('field', (name, value) => (out.fields[name] = decodeField(name, value)));
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => out.files.push({ name, filename: info.filename ?? '', mime: info.mimeType, data: Buffer.concat(chunks) }));
    });
    bb.on('close', () => resolve(out));
    bb.on('error', reject);
    req.pipe(bb);
  });
}

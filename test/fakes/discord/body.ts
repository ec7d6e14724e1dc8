// Request bodies as Discord accepts them: JSON, or multipart with `files[n]` parts and a `payload_json` part.
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

export interface UploadedFile {
  filename: string;
  mime: string;
  data: Buffer;
}

export async function readBody(req: IncomingMessage): Promise<{ body: any; files: Map<string, UploadedFile>; raw: Buffer }> {
  const files = new Map<string, UploadedFile>();
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const fields: Record<string, string> = {};
    await new Promise<void>((resolve, reject) => {
      const bb = busboy({ headers: req.headers });
      bb.on('file', (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => files.set(name, { filename: info.filename ?? name, mime: info.mimeType, data: Buffer.concat(chunks) }));
      });
      bb.on('field', (name, value) => (fields[name] = value));
      bb.on('close', resolve);
      bb.on('error', reject);
      req.pipe(bb);
    });
    const body = fields.payload_json ? JSON.parse(fields.payload_json) : { ...fields };
    return { body, files, raw: Buffer.alloc(0) };
  }
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { body: undefined, files, raw };
  try {
    return { body: JSON.parse(raw.toString('utf8')), files, raw };
  } catch {
    return { body: { _unparsable: raw.toString('utf8') }, files, raw };
  }
}

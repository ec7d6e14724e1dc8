// The second baseline: a raw node:http route that reads the body, parses the JSON and answers 202.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { title?: string };
    const text = JSON.stringify({ id: String(body.title ?? ''), deliveries: [] });
    res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.listen(Number(process.env['PORT']), '127.0.0.1', () => process.stderr.write('listening on port\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

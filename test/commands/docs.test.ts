// The examples in docs/commands.md are real config: they must parse, and run against a local app.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmd, makePlane } from './harness.js';

const doc = readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.startsWith('commands:'));

let server: Server;
let base = '';
const requests: { url: string; body: string }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ url: req.url!, body });
      res.setHeader('content-type', 'application/json');
      if (req.url!.includes('/search/')) res.end(JSON.stringify({ data: [{ meta_info: { title: 'Dune' }, torrent_info: { site_name: 'SiteA' } }, { meta_info: { title: 'Dune: Part Two' }, torrent_info: { site_name: 'SiteB' } }] }));
      else if (req.url!.includes('/subscribe/')) (res.statusCode = 409), res.end(JSON.stringify({ message: 'already subscribed' }));
      else res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

function planeFor(block: string) {
  const yaml = `bots:\n  telegram: { platform: console, admins: ["42"], users: ["99"] }\n` + block
    .replace(/http:\/\/[a-z0-9.]+:\d+/g, base)
    .replace(/\$\{[A-Z_]+\}/g, 'test-token-0123456789');
  return makePlane(yaml);
}

describe('docs/commands.md examples', () => {
  it('has the examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it('the BetterGI example sends the task and replies with it', async () => {
    const { plane } = planeFor(blocks[0]!);
    const r = await plane.handle(cmd('bgi', 'domain', { bot: 'telegram' }));
    expect(r?.text).toBe('Started **domain**');
    expect(requests.at(-1)).toEqual({ url: '/api/task?name=domain', body: '{"task": "domain", "by": "42"}' });
  });

  it('the MoviePilot examples search and report a refusal', async () => {
    const { plane } = planeFor(blocks[1]!);
    const found = await plane.handle(cmd('mp_search', 'Dune', { bot: 'telegram', userId: '99' }));
    expect(found?.text).toBe('• **Dune** SiteA\n• **Dune: Part Two** SiteB');
    const sub = await plane.handle(cmd('mp_subscribe', 'Dune', { bot: 'telegram' }));
    expect(sub?.text).toBe('MoviePilot said 409: already subscribed');
    expect(JSON.parse(requests.at(-1)!.body)).toEqual({ name: 'Dune', type: '电影' });
  });
});

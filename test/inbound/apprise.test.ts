// Apprise's json:// body, as NotifyJSON sends it: level from `type`, the first image attachment as
// the image, other attachments named, and the ways Apprise can carry hookbot's token.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookbot, type Hookbot } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import { fixture, parse, render } from './helpers.js';

const body = (over: Record<string, unknown> = {}) => ({ version: '1.0', title: 'T', message: 'M', attachments: [], type: 'info', ...over });

describe('apprise format', () => {
  it.each([
    ['info', 'info'],
    ['success', 'success'],
    ['warning', 'warning'],
    ['failure', 'error'],
    ['FAILURE', 'error'],
    ['something-new', 'info'],
  ])('type %s → level %s, and the type is the event', async (type, level) => {
    const n = await parse('apprise', body({ type }));
    expect(n.level).toBe(level);
    expect(n.event).toBe(type.toLowerCase());
  });

  it('shows the first image attachment and names the others', async () => {
    const sent = fixture('apprise', 'failure.attachments.json');
    const n = await parse('apprise', sent);
    expect(n.image).toEqual({ base64: sent.attachments[0].base64, mime: 'image/png' });
    expect(n.fields).toEqual([{ name: 'Attachments', value: 'df.txt' }]);
    expect(n.vars['attachments']).toEqual(['chart.png', 'df.txt']);
    // The base64 itself is not a template variable.
    expect(JSON.stringify(n.vars)).not.toContain(sent.attachments[0].base64);
  });

  it('takes an image by URL, as a string or {url}', async () => {
    expect((await parse('apprise', body({ attachments: ['https://example.com/a/graph.png'] }))).image).toEqual({ url: 'https://example.com/a/graph.png' });
    expect((await parse('apprise', body({ attachments: [{ url: 'https://example.com/b.jpg', mimetype: 'image/jpeg' }] }))).image).toEqual({ url: 'https://example.com/b.jpg' });
  });

  it('says so when an image attachment is not an image', async () => {
    const n = await parse('apprise', body({ attachments: [{ filename: 'x.png', base64: Buffer.from('not an image').toString('base64'), mimetype: 'image/png' }] }), { locale: 'zh-CN' });
    expect(n.image).toBeUndefined();
    expect(n.imageNote).toMatch(/^附带的图片不是 PNG、JPEG、WebP 或 GIF 图片/);
  });

  it('keeps keys Apprise adds with :key=value for the templates', async () => {
    const n = await parse('apprise', body({ host: 'nas-01' }));
    const out = render('apprise', n, 'en', { info: '{{ host }}: {{ text }}' });
    expect(out.body).toBe('nas-01: M');
  });

  it('renders a body without a title as the message alone', async () => {
    const out = render('apprise', await parse('apprise', fixture('apprise', 'warning.no-title.json')));
    expect(out.title).toBe('');
    expect(out.body).toBe('Certificate expires in 5 days');
  });
});

describe('apprise through the receiver', () => {
  const TOKEN = 'apprise-source-token-0123456789';
  let hb: Hookbot;
  let url: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-apprise-'));
    const file = join(dir, 'hookbot.yaml');
    writeFileSync(file, `
server: { port: 0, host: 127.0.0.1 }
store: { sqlite: "${dir}/h.db" }
bots:
  console: { platform: console, output: "${dir}/sent.jsonl" }
superusers: [console:boss]
sources:
  apprise: { format: apprise, token: ${TOKEN} }
`);
    hb = await startHookbot({ configFile: file, env: {}, logger: createLogger('silent') });
    url = `http://127.0.0.1:${hb.port}/hooks/apprise`;
  }, 30_000);
  afterAll(async () => {
    await hb?.stop();
  });

  // json://hookbot:TOKEN@host/hooks/apprise → Basic auth; json://host/hooks/apprise?-token=TOKEN →
  // ?token=; json://host/hooks/apprise?+X-Hookbot-Token=TOKEN → a header.
  it.each([
    ['user and password in the URL (Basic auth)', '', { authorization: 'Basic ' + Buffer.from(`hookbot:${TOKEN}`).toString('base64') }],
    ['a -token= URL argument (a query parameter)', `?token=${TOKEN}`, {}],
    ['a +X-Hookbot-Token= URL argument (a header)', '', { 'x-hookbot-token': TOKEN }],
  ])('accepts the token as %s', async (_what, query, headers) => {
    const res = await fetch(url + query, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Apprise', ...headers }, body: JSON.stringify(fixture('apprise', 'failure.attachments.json')) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const n = await hb.store.getNotice(id);
    expect(n).toMatchObject({ format: 'apprise', level: 'error', image: { mime: 'image/png' } });
  });
});

// What readers met (issue: Volcengine notices repeating the domain, "3600.5 s", an empty code span;
// MoviePilot's download.added without the media's title), and the markup rule behind one of them.
import { describe, expect, it } from 'vitest';
import { parseMarkup, plainText } from '../../src/render/markup.js';
import { parse, render } from './helpers.js';

const shown = (o: ReturnType<typeof render>) => `${o.title}\n${o.body}\n${o.msg.fields.map((f) => `${f.name}: ${f.value}`).join('\n')}`;
const count = (s: string, part: string) => s.split(part).length - 1;

describe('Volcengine record and snapshot notices', () => {
  const record = { event_type: 'record', domain: 'push.example.com', app: 'live', stream: 's1', file_name: 'a.mp4', duration: 3600.5, sequence_id: 'r1' };
  const snapshot = { event_type: 'snapshot', domain: 'push.example.com', app: 'live', stream: 's1', url: 'https://cdn.example.com/s.jpg' };

  it.each([
    ['record', record],
    ['snapshot', snapshot],
  ])('%s names the domain once, in both locales', async (_what, body) => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const out = shown(render('volcengine', await parse('volcengine', body, { locale }), locale));
      expect(count(out, 'push.example.com'), out).toBe(1);
    }
  });

  it('shows the duration as people read it', async () => {
    const en = shown(render('volcengine', await parse('volcengine', record), 'en'));
    expect(en).toMatch(/Duration: 1 h\b/);
    expect(en).not.toContain('3600.5');
    const zh = shown(render('volcengine', await parse('volcengine', record, { locale: 'zh-CN' }), 'zh-CN'));
    expect(zh).toMatch(/时长: 1小时/);
  });

  it.each(['record', 'snapshot', 'push_start', 'push_end'])('%s with an empty domain shows no empty code span', async (event_type) => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const out = render('volcengine', await parse('volcengine', { event_type, domain: '', app: 'live', stream: 's1' }, { locale }), locale);
      expect(out.body).not.toMatch(/``|to\s*$|到\s*$|（）/);
      expect(JSON.stringify(out.msg.body)).not.toContain('"text":""');
    }
  });
});

describe('MoviePilot download.added', () => {
  // The Webhook plugin posts the event's data with MoviePilot's Context turned into dicts.
  const body = {
    type: 'download.added',
    data: {
      hash: 'abc123',
      username: 'admin',
      context: {
        meta_info: { season_episode: 'S01 E01-E08' },
        media_info: { title: '示例剧', year: '2024', title_year: '示例剧 (2024)', poster_path: 'https://image.tmdb.org/t/p/w500/p.jpg' },
        torrent_info: { title: 'Example.S01.1080p.WEB-DL', site_name: 'ExampleSite' },
      },
    },
  };

  it('is titled with the media and shows the torrent, the site and the episodes', async () => {
    const n = await parse('moviepilot', body, { locale: 'zh-CN' });
    expect(n.title).toBe('示例剧 (2024)');
    expect(n.image).toEqual({ url: 'https://image.tmdb.org/t/p/w500/p.jpg' });
    const out = shown(render('moviepilot', n, 'zh-CN'));
    expect(out).toMatch(/添加下载/);
    expect(out).toMatch(/种子: Example\.S01\.1080p\.WEB-DL/);
    expect(out).toMatch(/站点: ExampleSite/);
    expect(out).toMatch(/集数: S01 E01-E08/);
  });
});

describe('the markup', () => {
  it.each([
    ['on ``.', 'on .'],
    ['a `` b `c`', 'a  b c'],
    ['\\`\\` stays', '`` stays'],
  ])('drops an empty code span: %s', (src, text) => {
    const spans = parseMarkup(src);
    expect(plainText(spans)).toBe(text);
    expect(spans.some((s) => s.kind === 'code' && s.text === '')).toBe(false);
  });
});

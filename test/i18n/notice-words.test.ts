// In zh-CN a notice's field names are Chinese, except names the sender wrote itself (a payload's
// own keys and metric names), over every fixture of every format; and the times a template shows
// are in the source's zone, not UTC ISO strings.
import { describe, expect, it } from 'vitest';
import { formats } from '../../src/inbound/index.js';
import { Renderer } from '../../src/render/render.js';
import { plainText } from '../../src/render/markup.js';
import { fixture, fixtureNames, parse, toNotice } from '../inbound/helpers.js';

const cases = Object.keys(formats).flatMap((format) => {
  try {
    return fixtureNames(format).map((file) => [format, file] as const);
  } catch {
    return []; // a format with no fixtures
  }
});

describe('zh-CN field names', () => {
  it.each(cases)('%s %s', async (format, file) => {
    const body = fixture(format, file);
    let n;
    try {
      n = await parse(format, body, { locale: 'zh-CN', timezone: 'Asia/Shanghai' });
    } catch {
      return; // a fixture of what is refused
    }
    const sent = JSON.stringify(body);
    for (const f of n.fields ?? []) {
      if (/[\u4e00-\u9fff]/.test(f.name)) continue;
      // Not Chinese: then the sender wrote it (a payload key, a label, a metric name).
      expect(sent, `field name '${f.name}' is neither Chinese nor the sender's own`).toContain(f.name.replace(/^\[[^\]]*\] /, '').split(' (')[0]);
    }
  });
});

describe('times in templates', () => {
  const notice = (source: string, time: string) => ({ ...toNotice('report', { event: 'e', level: 'info' as const, time, vars: {} }), source });
  const renderer = new Renderer({ e: 'at {{ time }} (sent as {{ time_iso }})' }, formats, 'en', (source) => (source === 'cn' ? 'Asia/Shanghai' : 'Europe/Berlin'));

  it.each([
    ['cn', '2026-03-11T08:00:00.000Z', 'at 2026-03-11 16:00 UTC+8 (sent as 2026-03-11T08:00:00.000Z)'],
    ['de', '2026-07-11T08:00:00.000Z', 'at 2026-07-11 10:00 UTC+2 (sent as 2026-07-11T08:00:00.000Z)'],
    ['de', 'not a time', 'at not a time (sent as not a time)'],
  ])('%s %s', (source, time, shown) => {
    expect(plainText(renderer.render(notice(source, time)).body)).toBe(shown);
  });

  it('keeps the message’s own time machine-readable for the platforms (Discord, Slack show it in the reader’s zone)', () => {
    expect(renderer.render(notice('cn', '2026-03-11T08:00:00.000Z')).time).toBe('2026-03-11T08:00:00.000Z');
  });
});

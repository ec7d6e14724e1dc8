// BetterGI: result in every form it is sent, every event code named, screenshots by magic bytes.
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { fixture, parse, render } from './helpers.js';
import { BETTERGI_EVENTS } from '../../src/inbound/bettergi-events.js';

const base = { send_to: '', event: 'domain.end', timestamp: '2026-08-23T02:44:28+08:00', screenshot: null, message: 'm', data: null };

describe('bettergi result', () => {
  const rows: [unknown, string, string][] = [
    [0, 'success', 'Success'],
    [1, 'error', 'Fail'],
    [2, 'warning', 'PartialSuccess'],
    ['0', 'success', 'Success'],
    ['Success', 'success', 'Success'],
    ['fail', 'error', 'Fail'],
    ['PartialSuccess', 'warning', 'PartialSuccess'],
    [null, 'info', ''],
    ['Weird', 'info', 'Weird'],
  ];
  for (const [result, level, name] of rows) {
    it(`${JSON.stringify(result)} → ${level}`, async () => {
      const n = await parse('bettergi', { ...base, result });
      expect(n.level).toBe(level);
      expect(n.vars.result).toBe(name);
    });
  }
  it('a start event that succeeded is news, not a success', async () => {
    expect((await parse('bettergi', { ...base, event: 'domain.start', result: 0 })).level).toBe('info');
  });
  it('an *.error event is an error whatever the result', async () => {
    expect((await parse('bettergi', { ...base, event: 'js.error', result: 0 })).level).toBe('error');
  });
  it('result as an object is refused naming the field', async () => {
    await expect(parse('bettergi', { ...base, result: { a: 1 } })).rejects.toSatisfy((e) => e instanceof ZodError && e.issues[0]!.path[0] === 'result');
  });
});

describe('bettergi event names', () => {
  for (const [code, name] of Object.entries(BETTERGI_EVENTS)) {
    it(`${code} → ${name.en} / ${name.zh}`, async () => {
      const n = await parse('bettergi', { ...base, event: code, result: 0 });
      expect(n.title).toBe(name.en);
      expect(render('bettergi', n, 'en').title).toContain(name.en);
      expect(render('bettergi', n, 'zh-CN').title).toContain(name.zh);
    });
  }
  it('an unknown code still renders', async () => {
    const n = await parse('bettergi', { ...base, event: 'fishing.end', result: 0 });
    expect(render('bettergi', n, 'en').title).toBe('BetterGI: Fishing end');
    expect(render('bettergi', n, 'zh-CN').title).toBe('BetterGI：fishing.end');
  });
  it('a zh-CN source gets Chinese titles and field names', async () => {
    const n = await parse('bettergi', { ...base, result: 1 }, { locale: 'zh-CN' });
    expect(n.title).toBe('自动秘境结束');
    expect(n.fields).toEqual([{ name: '结果', value: '失败' }]);
  });
});

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(16)]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(16)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(8)]);

describe('bettergi screenshot', () => {
  const rows: [string, string, { mime?: string; note?: RegExp }][] = [
    ['PNG', PNG.toString('base64'), { mime: 'image/png' }],
    ['JPEG', JPEG.toString('base64'), { mime: 'image/jpeg' }],
    ['WebP', WEBP.toString('base64'), { mime: 'image/webp' }],
    ['data: URL', 'data:image/png;base64,' + PNG.toString('base64'), { mime: 'image/png' }],
    ['base64 with line breaks', PNG.toString('base64').replace(/(.{8})/g, '$1\n'), { mime: 'image/png' }],
    ['not base64', '!!!not*base64!!!', { note: /not valid base64/ }],
    ['base64 of text', Buffer.from('hello world, not an image').toString('base64'), { note: /not a PNG, JPEG, WebP or GIF/ }],
    ['over 10 MiB', 'A'.repeat(14_000_001), { note: /larger than 10 MiB/ }],
  ];
  for (const [what, screenshot, want] of rows) {
    it(`${what} → ${want.mime ?? 'left out with a note'}`, async () => {
      const n = await parse('bettergi', { ...base, result: 0, screenshot });
      if (want.mime) {
        expect(n.image).toMatchObject({ mime: want.mime });
        expect(n.imageNote).toBeUndefined();
      } else {
        expect(n.image).toBeUndefined();
        expect(n.imageNote).toMatch(want.note!);
        // The notice itself is intact, and the reader is told.
        expect(n.text).toBe('m');
        expect(render('bettergi', n).body).toContain(n.imageNote!);
      }
    });
  }
  it('the note is in the source locale', async () => {
    const text = Buffer.from('hello world, not an image').toString('base64');
    const n = await parse('bettergi', { ...base, result: 0, screenshot: text }, { locale: 'zh-CN' });
    expect(n.imageNote).toBe('截图不是 PNG、JPEG、WebP 或 GIF 图片，已略去');
    const big = await parse('bettergi', { ...base, result: 0, screenshot: 'A'.repeat(14_000_001) }, { locale: 'zh-CN' });
    expect(big.imageNote).toBe('截图超过 10 MiB，已略去');
  });
  it('the fixture screenshot is a real JPEG passed through byte for byte', async () => {
    const body = fixture('bettergi', 'domain.end.json');
    const n = await parse('bettergi', body);
    expect(Buffer.from((n.image as { base64: string }).base64, 'base64').equals(Buffer.from(body.screenshot, 'base64'))).toBe(true);
    expect(n.vars.has_screenshot).toBe(true);
    expect(JSON.stringify(n.vars)).not.toContain(body.screenshot.slice(0, 40));
  });
});

describe('bettergi send_to', () => {
  const rows: [unknown, string[] | undefined][] = [
    ['', undefined],
    [null, undefined],
    ['alice', ['alice']],
    ['telegram:1, discord:2', ['telegram:1', 'discord:2']],
    [12345, ['12345']],
    [['a', 7], ['a', '7']],
  ];
  for (const [send_to, to] of rows) {
    it(`${JSON.stringify(send_to)} → ${JSON.stringify(to)}`, async () => {
      expect((await parse('bettergi', { ...base, result: 0, send_to })).to).toEqual(to);
    });
  }
});

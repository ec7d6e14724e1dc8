import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/message.js';
import { parseMarkup } from '../../../src/render/markup.js';
import { toSegments } from '../../../bots/onebot/segments.js';
import { PNG } from '../../helpers/images.js';

const msg = (over: Partial<Message>): Message => ({ body: [], fields: [], level: 'info', source: 'report', event: 'test', time: '2024-05-01T12:00:00Z', silent: false, ...over });
const texts = (m: ReturnType<typeof toSegments>) => m.map((parts) => parts.map((s) => (s.type === 'text' ? s.data['text'] : `[${s.type}:${s.data['file'] === `base64://${PNG.toString('base64')}` ? 'the PNG as base64' : s.data['file']}]`)).join(''));

describe('segments for a notice', () => {
  it.each<[string, Partial<Message>, string[]]>([
    ['title, body and fields as plain text', { title: '录制完成', body: parseMarkup('**主播** _已下播_ `code`'), fields: [{ name: '时长', value: '1小时' }] }, ['录制完成\n主播 已下播 code\n时长: 1小时']],
    ['a link written out after its label', { body: parseMarkup('see [the log](https://example.com/log)') }, ['see the log (https://example.com/log)']],
    ['image bytes as base64:// after the text, in the same message', { title: 'Chart', image: { data: PNG, mime: 'image/png', filename: 'c.png' } }, ['Chart[image:the PNG as base64]']],
    ['an image URL as the file', { title: 'Chart', image: { url: 'https://example.com/c.png' } }, ['Chart[image:https://example.com/c.png]']],
    ['an image alone', { image: { url: 'https://example.com/c.png' } }, ['[image:https://example.com/c.png]']],
  ])('%s', (_n, over, want) => {
    expect(texts(toSegments(msg(over), 1500))).toEqual(want);
  });

  it('splits long text at the limit, in order, and puts the image in the last message', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `第 ${i} 行 ${'x'.repeat(40)}`);
    const out = toSegments(msg({ body: parseMarkup(lines.join('\n')), image: { data: PNG, mime: 'image/png', filename: 'c.png' } }), 500);
    expect(out.length).toBeGreaterThan(5);
    for (const m of out) expect((m[0]!.data['text'] ?? '').length).toBeLessThanOrEqual(500);
    expect(out.slice(0, -1).every((m) => m.every((s) => s.type === 'text'))).toBe(true);
    expect(out.at(-1)!.at(-1)!.type).toBe('image');
    expect(out.at(-1)!.at(-1)!.data['file']).toBe(`base64://${PNG.toString('base64')}`);
    const all = out.flatMap((m) => m.filter((s) => s.type === 'text').map((s) => s.data['text'])).join('\n');
    expect(all.replace(/\s+/g, '')).toBe(lines.join('').replace(/\s+/g, ''));
  });
});

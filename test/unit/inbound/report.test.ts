import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { report } from '../../../src/inbound/report.js';
import { ManualClock } from '../../../src/clock.js';
import type { ParseContext } from '../../../src/inbound/format.js';

const ctx = { source: 'report', config: {} as never, headers: {}, query: {}, raw: Buffer.alloc(0), clock: new ManualClock(1_700_000_000_000) } as ParseContext;
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/report/${name}`, import.meta.url), 'utf8'));

describe('report format', () => {
  it.each([
    ['scalar send_to and string send_from', 'send-to-scalar.json', { to: ['10001'], toGroup: undefined, from: '3889000001' }],
    ['aliases from/to/to_group with mixed ids', 'lists.aliases.json', { to: ['10001', '10002'], toGroup: ['20001', '20002'], from: '3889000001' }],
    ['no targets', 'no-targets.json', { to: undefined, toGroup: undefined, from: undefined }],
  ])('%s', (_name, file, want) => {
    const n = report.parse(fixture(file), ctx) as ReturnType<typeof report.parse> & object;
    expect({ to: (n as any).to, toGroup: (n as any).toGroup, from: (n as any).from }).toEqual(want);
  });

  it('uses message as is, else title and content', () => {
    const a = report.parse({ title: 'T', content: 'C' }, ctx) as any;
    expect([a.title, a.text]).toEqual(['T', 'C']);
    const b = report.parse({ title: 'T', content: 'C', message: 'M' }, ctx) as any;
    expect([b.title, b.text]).toEqual([undefined, 'M']);
  });

  it('reads an alias only when the canonical name is absent', () => {
    const n = report.parse({ content: 'x', send_to: 1, to: 2 }, ctx) as any;
    expect(n.to).toEqual(['1']);
  });

  it.each([
    [{ send_to: [{}] }, 'send_to'],
    [{ send_to_group: true }, 'send_to_group'],
    [{ screenshot: 5 }, 'screenshot'],
    [[1, 2], ''],
  ])('names the bad field of %j', (body, field) => {
    try {
      report.parse(body, ctx);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ZodError);
      expect((e as ZodError).issues[0]!.path.join('.')).toContain(field);
    }
  });

  it('keeps the notice when the screenshot is not an image, with a note', () => {
    const n = report.parse({ content: 'x', screenshot: 'base64EncodedImageString' }, ctx) as any;
    expect(n.image).toBeUndefined();
    expect(n.imageNote).toMatch(/left out/);
  });
});

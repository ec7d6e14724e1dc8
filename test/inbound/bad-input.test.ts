// Hostile and broken payloads, for every format: a clear error naming the field, or a notice that
// is bounded in size — never a crash, a hang or an unbounded notice.
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { formats } from '../../src/inbound/index.js';
import { PayloadError } from '../../src/inbound/format.js';
import { fixture, parse, render } from './helpers.js';

const SAMPLE: Record<string, () => Record<string, unknown>> = {
  bettergi: () => fixture('bettergi', 'task.error.json'),
  onelive: () => fixture('onelive', 'error.json'),
  volcengine: () => fixture('volcengine', 'push_start.flat.json'),
  'bililive-recorder': () => fixture('bililive-recorder', 'FileClosed.json'),
  blrec: () => fixture('blrec', 'LiveBeganEvent.json'),
  alertmanager: () => fixture('alertmanager', 'firing.json'),
  grafana: () => fixture('grafana', 'docs-example.firing.json'),
  moviepilot: () => fixture('moviepilot', 'notice.message.json'),
  generic: () => ({ title: 't', text: 'x' }),
  apprise: () => fixture('apprise', 'success.json'),
};

/** The field whose type each format checks, and a value of the wrong type. */
const WRONG: Record<string, [string, unknown]> = {
  bettergi: ['result', { nested: true }],
  onelive: ['type', 42],
  volcengine: ['time_ms', 'yesterday'],
  'bililive-recorder': ['EventData', 'not an object'],
  blrec: ['date', { when: 'now' }],
  alertmanager: ['alerts', 'all of them'],
  grafana: ['status', 7],
  moviepilot: ['type', ['a', 'b']],
  apprise: ['attachments', 'chart.png'],
};

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);

function deep(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function sizeOf(v: unknown): number {
  return JSON.stringify(v).length;
}

describe('bad input, every format', () => {
  it('the table covers every format', () => {
    expect(Object.keys(SAMPLE).sort()).toEqual(Object.keys(formats).filter((f) => f !== 'report').sort());
  });

  for (const format of Object.keys(SAMPLE)) {
    describe(format, () => {
      for (const body of [null, [], 'text', 5]) {
        if (format === 'generic') continue;
        it(`a body of ${JSON.stringify(body)} is refused at the top level`, async () => {
          await expect(parse(format, body)).rejects.toSatisfy((e) => e instanceof ZodError && /JSON object/.test(e.issues[0]!.message));
        });
      }

      if (WRONG[format]) {
        const [field, value] = WRONG[format]!;
        it(`a wrong type in ${field} is refused naming it`, async () => {
          const err = await parse(format, { ...SAMPLE[format]!(), [field]: value }).catch((e) => e);
          expect(err).toBeInstanceOf(ZodError);
          expect((err as ZodError).issues.some((i) => i.path[0] === field)).toBe(true);
        });
      }

      it('a 10 MB string in every text field gives a bounded notice', async () => {
        const body = SAMPLE[format]!();
        const stuff = (o: Record<string, unknown>) => {
          for (const [k, v] of Object.entries(o)) {
            if (typeof v === 'string' && !['type', 'EventType', 'event', 'event_type', 'status', 'sign', 'screenshot'].includes(k)) o[k] = TEN_MB;
            else if (v && typeof v === 'object' && !Array.isArray(v)) stuff(v as Record<string, unknown>);
          }
        };
        stuff(body);
        const n = await parse(format, body);
        // Everything the notice carries is clipped: the raw payload is kept elsewhere.
        expect(sizeOf(n)).toBeLessThan(2 * 1024 * 1024);
        expect((n.text ?? '').length).toBeLessThanOrEqual(8100);
        expect((n.title ?? '').length).toBeLessThanOrEqual(300);
        const r = render(format, n);
        expect(r.body.length).toBeLessThan(200_000);
      });

      it('deep nesting inside the payload is cut, not recursed into', async () => {
        const body: Record<string, any> = { ...SAMPLE[format]!(), extra: deep(5000) };
        if (format === 'bililive-recorder') body.EventData.extra = deep(5000);
        const n = await parse(format, body);
        expect(sizeOf(n.vars)).toBeLessThan(1_000_000);
      });
    });
  }

  it('bettergi: invalid base64 gives the notice without the image, with a note', async () => {
    const n = await parse('bettergi', { ...SAMPLE.bettergi!(), screenshot: '%%%%' });
    expect(n.image).toBeUndefined();
    expect(n.imageNote).toMatch(/not valid base64/);
    expect(n.level).toBe('error');
  });

  it('generic: an empty body is refused', async () => {
    await expect(parse('generic', undefined)).rejects.toBeInstanceOf(PayloadError);
  });
});

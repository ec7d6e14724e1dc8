// Nothing answered 202 may be undeliverable: for every format, degenerate payloads (nothing but a
// token, empty strings, hundreds of keys) either are refused with an error naming what is missing,
// or render to a message with something in it — never a notice every platform refuses as empty.
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { formats } from '../../src/inbound/index.js';
import { PayloadError } from '../../src/inbound/format.js';
import { fixture, parse, render } from './helpers.js';

function wide(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[`k${String(i).padStart(3, '0')}`] = i;
  return { ...o, ...extra };
}

/** Per format: payloads that are valid JSON objects but say little or nothing. */
const DEGENERATE: Record<string, Record<string, unknown>> = {
  report: { 'nothing but a token (removed before parsing)': {}, 'empty strings': { title: '', content: '', message: '' }, 'only targets': { send_to: ['1'] } },
  bettergi: { 'an empty object': {}, 'empty strings': { event: '', message: '', send_to: '' } },
  onelive: { 'a type and nothing else': { type: 'live_start' }, 'an unknown type with 250 keys of data': { type: 'x', data: wide(250) } },
  volcengine: { 'an empty object': {}, 'only an empty domain': { domain: '' } },
  'bililive-recorder': { 'a type and nothing else': { EventType: 'FileClosed' }, 'wide event data': { EventType: 'SessionStarted', EventData: wide(250) } },
  blrec: { 'a type and nothing else': { type: 'LiveBeganEvent' }, '250 keys in data': { type: 'RecordingFinishedEvent', id: 'x', date: '2026-03-11 08:00:00', data: wide(250) }, 'an unknown type with 250 keys': { type: 'SomethingNew', data: wide(250) } },
  alertmanager: { 'no alerts': { status: 'firing', alerts: [] } },
  grafana: { 'an empty object': {}, 'empty title and message': { title: '', message: '' } },
  moviepilot: { 'a type and nothing else': { type: 'download.added' }, 'empty data': { type: 'notice.message', data: {} } },
  generic: { 'an empty object': {}, 'empty strings': { title: '', text: '' }, '250 keys': wide(250) },
  apprise: { 'an empty object': {}, 'empty title and message': { version: '1.0', title: '', message: '', type: 'info', attachments: [] } },
};

const refusal = (e: unknown) => (e instanceof PayloadError && e.status === 400) || e instanceof ZodError;

describe('every format: accepted means deliverable', () => {
  it('the table covers every format', () => {
    expect(Object.keys(DEGENERATE).sort()).toEqual(Object.keys(formats).sort());
  });

  for (const [format, cases] of Object.entries(DEGENERATE)) {
    for (const [what, body] of Object.entries(cases)) {
      it(`${format}: ${what}`, async () => {
        let n;
        try {
          n = await parse(format, structuredClone(body));
        } catch (e) {
          expect(refusal(e), String(e)).toBe(true);
          return;
        }
        for (const locale of ['en', 'zh-CN'] as const) {
          const out = render(format, n, locale);
          const shown = `${out.title}${out.body}${out.msg.fields.map((f) => f.name + f.value).join('')}`.trim();
          expect(shown || out.msg.image, `${format} (${locale}) rendered nothing`).toBeTruthy();
        }
      });
    }
  }

  it('a report of nothing but a token is refused naming the fields to fill', async () => {
    await expect(parse('report', {})).rejects.toThrow(/nothing to send: .*content/);
  });

  it('blrec with 250 keys in data still shows its title', async () => {
    const n = await parse('blrec', { ...fixture('blrec', 'LiveBeganEvent.json'), data: { ...fixture('blrec', 'LiveBeganEvent.json').data, ...wide(250) } });
    expect(render('blrec', n).title).toMatch(/is live/);
  });
});

// The report format reads well-typed bodies by hand (quickRead) and leaves everything else to its
// zod schema: both must give the same fields, and the hand reading must never accept what the
// schema refuses.
import { describe, expect, it } from 'vitest';
import { quickRead, schemaRead } from '../../../src/inbound/report.js';

const FIELDS = ['title', 'content', 'send_from', 'from', 'send_to', 'to', 'send_to_group', 'to_group', 'event', 'result', 'timestamp', 'screenshot', 'message', 'id'];
const VALUES: unknown[] = ['text', '', 10001, 0, -1.5, Number.NaN, Infinity, null, undefined, true, {}, { a: 1 }, [], [1, '2'], [1, null], [[1]], ['x', Infinity]];

function schemaOutcome(body: Record<string, unknown>) {
  try {
    return { ok: true, value: schemaRead(body) };
  } catch {
    return { ok: false };
  }
}

describe('report quickRead', () => {
  it.each(FIELDS)('agrees with the schema on every kind of value in %s', (field) => {
    for (const value of VALUES) {
      const body: Record<string, unknown> = { content: 'c', [field]: value };
      const quick = quickRead(body);
      const slow = schemaOutcome(body);
      if (quick === undefined) expect(slow.ok, `${field}: ${JSON.stringify(value)}`).toBe(false);
      else expect(quick, `${field}: ${JSON.stringify(value)}`).toEqual(slow.value);
    }
  });

  it('agrees on an alias beside its canonical field', () => {
    for (const [canon, alias] of [['send_from', 'from'], ['send_to', 'to'], ['send_to_group', 'to_group']]) {
      for (const a of [null, undefined, 1, 'x']) {
        for (const b of [null, undefined, 2, ['y', 3]]) {
          const body = { content: 'c', [canon!]: a, [alias!]: b };
          const quick = quickRead(body);
          const slow = schemaOutcome(body);
          if (quick === undefined) expect(slow.ok).toBe(false);
          else expect(quick).toEqual(slow.value);
        }
      }
    }
  });

  it('leaves a body with an own __proto__ key to the schema', () => {
    const body = JSON.parse('{"content":"c","__proto__":{"title":"from the prototype"}}');
    expect(quickRead(body)).toBeUndefined();
  });
});

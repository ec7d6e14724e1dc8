// Event names come from payloads: `constructor` or `__proto__` must read as an unknown event,
// never as a member of Object.prototype.
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../../src/notice.js';
import { fixture, parse, render } from './helpers.js';

const CASES: [format: string, file: string, field: string][] = [
  ['bettergi', 'notify.test.json', 'event'],
  ['bililive-recorder', 'StreamStarted.json', 'EventType'],
  ['blrec', 'LiveBeganEvent.json', 'type'],
  ['moviepilot', 'notice.message.json', 'type'],
  ['onelive', 'live_start.json', 'type'],
  ['volcengine', 'push_start.flat.json', 'event_type'],
  ['grafana', 'legacy-alerting.json', 'state'],
];

describe.each(['constructor', '__proto__', 'toString'])('event %s', (name) => {
  it.each(CASES)('%s renders it as an unknown event', async (format, file, field) => {
    const payload = { ...fixture(format, file), [field]: name };
    const n = await parse(format, payload);
    expect(LEVELS).toContain(n.level);
    expect(typeof (n.title ?? '')).toBe('string');
    const { title, body } = render(format, n, 'en');
    const shown = `${title}\n${body}`;
    expect(shown).not.toMatch(/function|\[object|undefined/);
    // An unknown event is named as the sender named it (Grafana's state only sets the level).
    if (format === 'grafana') expect(n.level).toBe('info');
    else expect(shown.toLowerCase()).toContain(name.replace(/_/g, '').toLowerCase());
  });
});

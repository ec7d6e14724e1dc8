// Logs: readable lines on a terminal, JSON when written elsewhere or when asked; masked either way.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, registerSecret, resolveLogFormat } from '../../src/log.js';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
  return { stream, text: () => lines.join('') };
}

describe('log format', () => {
  it.each([
    [undefined, undefined, true, 'pretty'],
    [undefined, undefined, false, 'json'],
    [undefined, 'auto', true, 'pretty'],
    [undefined, 'json', true, 'json'],
    [undefined, 'pretty', false, 'pretty'],
    ['json', 'pretty', true, 'json'],
    ['pretty', 'json', false, 'pretty'],
    ['', 'json', true, 'json'],
  ] as const)('env %s, config %s, terminal %s → %s', (env, configured, tty, want) => {
    expect(resolveLogFormat(env, configured, tty)).toBe(want);
  });

  it('writes readable lines when pretty, with secrets masked', () => {
    registerSecret('pretty-log-secret-0123456789');
    const out = sink();
    const log = createLogger('info', out.stream as never, 'pretty');
    log.info({ bot: 'telegram', token: 'pretty-log-secret-0123456789' }, 'sent with pretty-log-secret-0123456789');
    const text = out.text();
    expect(text).toMatch(/INFO.*sent with \*\*\*/);
    expect(text).toMatch(/bot: "telegram"/);
    expect(text).not.toContain('pretty-log-secret-0123456789');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('writes one JSON object a line when json, with secrets masked', () => {
    registerSecret('json-log-secret-0123456789');
    const out = sink();
    createLogger('info', out.stream as never, 'json').info({ detail: 'json-log-secret-0123456789' }, 'hello');
    const line = JSON.parse(out.text().trim());
    expect(line).toMatchObject({ level: 30, msg: 'hello', detail: '***' });
  });
});

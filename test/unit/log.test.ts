import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, mask, registerSecret } from '../../src/log.js';

describe('secrets in logs', () => {
  it.each([
    ['a Telegram token in a URL', 'POST https://api.telegram.org/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage', 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'],
    ['a Slack token', 'token xoxb-1234-5678-abcdefghijkl rejected', 'xoxb-1234-5678-abcdefghijkl'],
    ['a Bearer header', 'Authorization: Bearer abcdefghijklmnop', 'abcdefghijklmnop'],
    ['a token in a query', 'POST /report?token=supersecretvalue&x=1', 'supersecretvalue'],
  ])('masks %s', (_what, line, secret) => {
    expect(mask(line)).not.toContain(secret);
  });

  it('leaves the advice in an error message alone', () => {
    const line = 'a token is required: send it as ?token=, Authorization: Bearer, or in the body';
    expect(mask(line)).toBe(line);
  });

  it('masks a registered secret wherever it appears, in messages and fields', () => {
    registerSecret('my-configured-secret-123');
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    const log = createLogger('info', sink as never);
    log.info({ detail: 'got my-configured-secret-123', token: 'x', nested: { authorization: 'y' } }, 'see my-configured-secret-123');
    const out = lines.join('');
    expect(out).not.toContain('my-configured-secret-123');
    expect(out).toMatch(/"token":"\*\*\*"/);
    expect(out).toMatch(/"authorization":"\*\*\*"/);
  });
});

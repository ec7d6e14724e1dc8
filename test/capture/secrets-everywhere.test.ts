// Secrets never get past the receiver: not into the stored event, not into the message a chat
// reads (generic and grafana payloads without a message are shown as JSON), not into a capture —
// neither the source's own token, nor another source's, nor a bot's, nor secret-looking keys.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookbot, type Hookbot } from '../../src/main.js';
import { createLogger } from '../../src/log.js';

const GEN = 'generic-source-token-0123456789';
const GRAF = 'grafana-source-token-0123456789';
const OTHER = 'another-source-token-0123456789';
const SIGNING = 'signing-secret-of-a-third-source';
const API = 'management-api-token-0123456789';
const PASSWORD = 'hunter2-is-my-password';
const API_KEY = 'sk-live-abcdefghijklmnop';

const SECRETS = [GEN, GRAF, OTHER, SIGNING, API, PASSWORD, API_KEY];

describe('secrets in payloads', () => {
  let hb: Hookbot;
  let url: string;
  let sent: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-secrets-'));
    sent = join(dir, 'sent.jsonl');
    const file = join(dir, 'hookbot.yaml');
    writeFileSync(
      file,
      `
server: { port: 0, host: 127.0.0.1, apiToken: ${API} }
store: { sqlite: "${dir}/h.db" }
worker: { pollMs: 20 }
bots:
  console: { platform: console, output: "${sent}" }
superusers: [console:boss]
sources:
  gen: { format: generic, token: ${GEN} }
  graf: { format: grafana, token: ${GRAF} }
  other: { format: report, token: ${OTHER} }
  signed: { format: generic, signature: { scheme: github, secret: ${SIGNING} } }
`,
    );
    hb = await startHookbot({ configFile: file, env: {}, logger: createLogger('silent') });
    url = `http://127.0.0.1:${hb.port}`;
  }, 30_000);
  afterAll(async () => {
    await hb?.stop();
  });

  // No title and no message: shown to the chat as the payload's JSON.
  const payload = {
    token: GEN,
    Password: PASSWORD,
    settings: { nested: [{ apiKey: API_KEY, client_secret: 'short' }] },
    callback: `https://example.com/hook?token=${OTHER}`,
    note: `the other source's token is ${OTHER}, the signing secret ${SIGNING}, the API token ${API}`,
    host: 'nas-01',
  };

  async function post(path: string, body: unknown) {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { id: string } };
  }

  async function waitForLines(n: number) {
    for (;;) {
      const lines = existsSync(sent) ? readFileSync(sent, 'utf8').trim().split('\n').filter(Boolean) : [];
      if (lines.length >= n) return lines;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it.each([
    ['generic', `/hooks/gen?token=${GEN}`, 'gen', 1],
    ['grafana', `/hooks/graf?token=${GRAF}`, 'graf', 2],
  ])('%s: not in the stored event, the message or the capture', async (_name, path, source, lines) => {
    const res = await post(path, payload);
    expect(res.status).toBe(202);

    const stored = JSON.stringify(await hb.store.getNotice(res.body.id));
    const message = (await waitForLines(lines))[lines - 1]!;
    const captured = JSON.stringify(await hb.store.captures(source, 1));
    for (const [what, text] of [['stored event', stored], ['message', message], ['capture', captured]] as const) {
      for (const s of SECRETS) expect(text, `${what} holds ${s}`).not.toContain(s);
      expect(text, what).toContain('[redacted]');
      expect(text, what).toContain('nas-01');
    }
    // Secret-looking keys are redacted whatever their value, at any depth and in any case.
    const notice = (await hb.store.getNotice(res.body.id))!;
    expect(JSON.stringify(notice.vars)).toMatch(/"client_secret":"\[redacted\]"/);
  });
});

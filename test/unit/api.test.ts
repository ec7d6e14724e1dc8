// The management API: Bearer server.apiToken, status, failed deliveries and retry.
import { newEventId } from '../../src/event-id.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookbot, type Hookbot } from '../../src/main.js';
import { createLogger } from '../../src/log.js';

const API = 'api-token-0123456789abcdef';
const REPORT = 'report-token-0123456789ab';

describe('management API', () => {
  let hb: Hookbot;
  let base: string;
  const get = (path: string, token = API) => fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-api-'));
    writeFileSync(
      join(dir, 'hookbot.yaml'),
      `server: { port: 0, host: 127.0.0.1, apiToken: ${API} }\nstore: { sqlite: "${dir}/h.db" }\nbots:\n  console: { platform: console, output: "${dir}/sent.jsonl" }\nsources:\n  report: { format: report, token: ${REPORT} }\n`,
    );
    hb = await startHookbot({ configFile: join(dir, 'hookbot.yaml'), env: {}, logger: createLogger('silent') });
    base = `http://127.0.0.1:${hb.port}/api`;
  });
  afterAll(async () => {
    await hb?.stop();
  });

  it('refuses a missing or wrong token', async () => {
    expect((await fetch(base + '/status')).status).toBe(401);
    const refused = await get('/status', 'wrong-token-0123456789abc');
    expect(refused.status).toBe(401);
    // The advice survives secret masking: it names the key and the header to use.
    expect(((await refused.json()) as { error: string }).error).toBe('send the API token of server.apiToken as Authorization: Bearer <token>');
  });

  it('shows status, failed deliveries, and retries them', async () => {
    // A delivery for a bot that is no longer configured: the worker dead-letters it with the reason.
    const { deliveries } = await hb.store.ingest({
      id: newEventId(Date.now()),
      source: 'report',
      notice: { source: 'report', format: 'report', event: 'report', level: 'info', time: new Date().toISOString(), text: 'x', vars: {} },
      deliveries: [{ bot: 'gone', chat: 'c', kind: 'group', target: 'gone:c', silent: false }],
    });
    const id = deliveries[0]!.id;
    for (let i = 0; i < 200 && (await hb.store.getDelivery(id))!.state !== 'dead'; i++) await new Promise((r) => setTimeout(r, 25));

    const status = (await (await get('/status')).json()) as { deliveries: Record<string, number>; bots: Record<string, { state: string }> };
    expect(status.deliveries['dead']).toBe(1);
    expect(status.bots['console']!.state).toBe('ok');
    const failed = (await (await get('/deliveries/failed')).json()) as { id: number; lastError: string }[];
    expect(failed).toEqual([expect.objectContaining({ id, lastError: "no bot 'gone' is configured any more" })]);

    const retry = await fetch(`${base}/deliveries/${id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${API}` } });
    expect(await retry.json()).toEqual({ retried: 1 });
    expect((await get('/deliveries/failed?n=0')).status).toBe(400);
  });
});

// End to end, HTTP interactions mode: Discord POSTs signed interactions to hookbot's own server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { spawnHookbot, type RunningHookbot } from '../helpers/hookbot.js';

describe('Discord end to end (HTTP interactions)', () => {
  let fake: FakeDiscord;
  let hb: RunningHookbot;
  beforeAll(async () => {
    fake = new FakeDiscord();
    await fake.start();
    hb = await spawnHookbot({
      config: `
server: { port: {{port}}, host: 127.0.0.1 }
store: { sqlite: "{{dir}}/hookbot.db" }
bots:
  discord: { platform: discord, token: "${fake.token}", applicationId: "${fake.applicationId}", publicKey: "${fake.interactions.publicKeyHex}", interactions: http, apiRoot: "${fake.apiRoot}" }
`,
    });
    await hb.waitForLog('HTTP interactions endpoint mounted', 20_000);
  }, 60_000);
  afterAll(async () => {
    await hb?.stop();
    await fake?.stop();
  });

  const post = (body: string, headers: Record<string, string>) => fetch(hb.url + '/discord/interactions', { method: 'POST', headers, body });

  it('opens no gateway connection', () => {
    expect(fake.gateway.identifies).toHaveLength(0);
    expect(fake.commands.global.map((c) => c.name)).toContain('whoami');
  });

  it('rejects a bad signature with 401', async () => {
    const body = JSON.stringify({ type: 1 });
    expect((await post(body, fake.interactions.sign(body, { bad: true }))).status).toBe(401);
  });

  it('answers a signed PING with PONG', async () => {
    const body = JSON.stringify({ type: 1, id: '1', application_id: fake.applicationId, token: 't', version: 1 });
    const res = await post(body, fake.interactions.sign(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it('answers a signed /whoami in the response body, ephemeral', async () => {
    const rec = fake.interactions.build({ name: 'whoami', user: { id: '300000000000000042' }, channel: '400000000000000010' });
    const body = JSON.stringify(rec.payload);
    const res = await post(body, fake.interactions.sign(body));
    expect(res.status).toBe(200);
    const json = (await res.json()) as any;
    expect(json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(json.data.content).toContain('300000000000000042');
    expect(json.data.content).toContain('discord:400000000000000010');
  });
});

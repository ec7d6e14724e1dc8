import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeSlack } from './fake-slack.js';
import { slackSignature } from './sign.js';
import { vector } from '../../auth/facts.js';

let fake: FakeSlack;
beforeEach(async () => {
  fake = new FakeSlack();
  await fake.start();
});
afterEach(async () => fake.stop());

/** Calls a method the way @slack/web-api does: a form body, non-scalars as JSON strings. */
async function call(method: string, args: Record<string, unknown>, token = fake.botToken) {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(args)) form.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = await fetch(fake.apiUrl + method, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, any> };
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('fake Slack Web API', () => {
  it('answers auth.test for the bot token and invalid_auth / not_authed otherwise, with HTTP 200', async () => {
    expect((await call('auth.test', {})).body).toMatchObject({ ok: true, user_id: fake.botUserId, bot_id: fake.botId });
    expect(await call('auth.test', {}, 'xoxb-someone-else')).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    const res = await fetch(fake.apiUrl + 'auth.test', { method: 'POST' });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('records chat.postMessage with blocks decoded from the form', async () => {
    const r = await call('chat.postMessage', { channel: 'C0OPS', text: 'fallback', blocks: [section('*hi* &amp;')], thread_ts: '1700000000.000001' });
    expect(r.body).toMatchObject({ ok: true, channel: 'C0OPS', ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    expect(fake.messages[0]).toMatchObject({ channel: 'C0OPS', text: 'fallback', thread_ts: '1700000000.000001', blocks: [section('*hi* &amp;')] });
  });

  it.each([
    ['more than 50 blocks', { blocks: Array.from({ length: 51 }, () => section('x')) }, 'invalid_blocks'],
    ['a section over 3000 characters', { blocks: [section('x'.repeat(3001))] }, 'invalid_blocks'],
    ['a header over 150 characters', { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }, 'invalid_blocks'],
    ['a header in mrkdwn', { blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }] }, 'invalid_blocks'],
    ['eleven fields', { blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }] }, 'invalid_blocks'],
    ['no text and no blocks', { text: '  ' }, 'no_text'],
  ])('rejects %s', async (_what, args, error) => {
    const r = await call('chat.postMessage', { channel: 'C0OPS', ...args });
    expect(r).toMatchObject({ status: 200, body: { ok: false, error } });
    expect(fake.messages).toHaveLength(0);
  });

  it('accepts exactly 50 blocks and 3000-character sections', async () => {
    const r = await call('chat.postMessage', { channel: 'C0OPS', text: 't', blocks: Array.from({ length: 50 }, () => section('x'.repeat(3000))) });
    expect(r.body.ok).toBe(true);
  });

  it.each([
    ['missing', 'channel_not_found'],
    ['archived', 'is_archived'],
    ['not_member', 'not_in_channel'],
  ] as const)('answers a %s channel with %s', async (state, error) => {
    fake.setChannel('C0X', state);
    expect((await call('chat.postMessage', { channel: 'C0X', text: 'hi' })).body).toEqual({ ok: false, error });
  });

  it('rate-limits one message per second per channel with 429 and Retry-After', async () => {
    let now = 1_000_000;
    fake.rateLimit = { perChannelMs: 1000, retryAfterSeconds: 1 };
    (fake as { now: () => number }).now = () => now;
    expect((await call('chat.postMessage', { channel: 'C0A', text: '1' })).status).toBe(200);
    expect(await call('chat.postMessage', { channel: 'C0A', text: '2' })).toMatchObject({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    expect((await call('chat.postMessage', { channel: 'C0B', text: '3' })).status).toBe(200);
    now += 1000;
    expect((await call('chat.postMessage', { channel: 'C0A', text: '4' })).status).toBe(200);
    expect(fake.messages.map((m) => m.text)).toEqual(['1', '3', '4']);
  });

  it('plays scripted faults in order, after the given number of normal calls', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 }, 1);
    fake.failNext('chat.postMessage', { error: 'fatal_error' });
    expect((await call('chat.postMessage', { channel: 'C0A', text: '1' })).status).toBe(200);
    expect(await call('chat.postMessage', { channel: 'C0A', text: '2' })).toMatchObject({ status: 429, retryAfter: '30' });
    expect((await call('chat.postMessage', { channel: 'C0A', text: '3' })).body).toEqual({ ok: false, error: 'fatal_error' });
    expect((await call('chat.postMessage', { channel: 'C0A', text: '4' })).status).toBe(200);
  });

  it('opens one DM channel per user, and user_not_found for unknown users', async () => {
    const a = (await call('conversations.open', { users: 'U0A' })).body.channel.id;
    expect(a).toMatch(/^D/);
    expect((await call('conversations.open', { users: 'U0A' })).body.channel.id).toBe(a);
    fake.missingUsers.add('U0GONE');
    expect((await call('conversations.open', { users: 'U0GONE' })).body).toEqual({ ok: false, error: 'user_not_found' });
  });

  it('runs the external upload: URL, raw or multipart bytes, completion into a channel', async () => {
    const got = (await call('files.getUploadURLExternal', { filename: 'a.png', length: '3' })).body;
    expect(got).toMatchObject({ ok: true, file_id: expect.stringMatching(/^F/), upload_url: expect.stringContaining('/upload/v1/') });
    // Completing before the bytes arrived fails, as Slack does.
    expect((await call('files.completeUploadExternal', { files: [{ id: got.file_id }] })).body.error).toBe('file_not_found');
    const form = new FormData();
    form.append('body', new Blob([Buffer.from('abc')]), 'Untitled');
    const up = await fetch(got.upload_url, { method: 'POST', body: form });
    expect(await up.text()).toBe('OK - 3');
    const done = await call('files.completeUploadExternal', { files: [{ id: got.file_id, title: 'A' }], channel_id: 'C0OPS', thread_ts: '1700000000.000009' });
    expect(done.body).toMatchObject({ ok: true, files: [{ id: got.file_id, title: 'A' }] });
    expect(fake.files.get(got.file_id)).toMatchObject({ data: Buffer.from('abc'), shared: { channel: 'C0OPS', thread_ts: '1700000000.000009' } });
    expect((await fetch(fake.url + '/upload/v1/FNOPE', { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('opens Socket Mode only with the app-level token', async () => {
    expect((await call('apps.connections.open', {})).body).toEqual({ ok: false, error: 'not_allowed_token_type' });
    const r = await call('apps.connections.open', {}, fake.appToken);
    expect(r.body.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
  });

  it('serves a control API with what was sent', async () => {
    await call('chat.postMessage', { channel: 'C0OPS', text: 'hello' });
    const list = (await (await fetch(fake.url + '/_fake/messages')).json()) as { text: string }[];
    expect(list.map((m) => m.text)).toEqual(['hello']);
  });
});

describe('fake Slack Socket Mode', () => {
  it('says hello, delivers envelopes and records acks; a ticket works once', async () => {
    const { url } = (await call('apps.connections.open', {}, fake.appToken)).body;
    const ws = new WebSocket(url);
    const hello = await new Promise<any>((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    expect(hello).toMatchObject({ type: 'hello', connection_info: { app_id: 'A0HOOK' } });
    ws.on('message', (d) => {
      const env = JSON.parse(String(d));
      ws.send(JSON.stringify({ envelope_id: env.envelope_id, payload: { text: `got ${env.payload.text}` } }));
    });
    const ack = await fake.socket.slashCommand({ text: 'whoami' });
    expect(ack.payload).toEqual({ text: 'got whoami' });
    ws.close();

    const again = new WebSocket(url);
    const status = await new Promise((r) => again.once('unexpected-response', (_q, res) => r(res.statusCode)).once('open', () => r('open')));
    expect(status).toBe(401);
  });
});

describe('HTTP-mode signing driver', () => {
  it("reproduces the example in Slack's documentation, and another secret gives another signature", () => {
    const v = vector('slack-v0');
    expect(slackSignature(v.secret, Number(v.timestamp), v.body!)).toBe(v.expected);
    expect(slackSignature('another-secret-xx', Number(v.timestamp), v.body!)).not.toBe(v.expected);
  });
});

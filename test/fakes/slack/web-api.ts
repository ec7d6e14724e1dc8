// The Web API methods hookbot uses, answering as Slack does: HTTP 200 with `{ok:false, error}` for
// every error except rate limits, which are HTTP 429 with Retry-After (docs.slack.dev/apis/web-api).
import type { IncomingMessage } from 'node:http';
import { LIMITS, validateBlocks } from './blocks.js';
import { ratelimited, type FakeSlack } from './fake-slack.js';

type Answer = { status: number; headers?: Record<string, string>; body: Record<string, unknown> };
type Fields = Record<string, unknown>;

const ok = (body: Fields = {}): Answer => ({ status: 200, body: { ok: true, ...body } });
const err = (error: string, extra: Fields = {}): Answer => ({ status: 200, body: { ok: false, error, ...extra } });

function bearer(req: IncomingMessage, fields: Fields): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7);
  return typeof fields.token === 'string' ? fields.token : undefined;
}

export function handleMethod(fake: FakeSlack, method: string, req: IncomingMessage, f: Fields): Answer {
  const token = bearer(req, f);
  if (!token) return err('not_authed');
  if (method === 'apps.connections.open') {
    // Only an app-level token (xapp-) may open a Socket Mode connection.
    if (token.startsWith('xoxb-')) return err('not_allowed_token_type');
    if (token !== fake.appToken) return err('invalid_auth');
    return ok({ url: fake.socket.mintUrl() });
  }
  if (token !== fake.botToken) return err(token.startsWith('xapp-') ? 'not_allowed_token_type' : 'invalid_auth');

  switch (method) {
    case 'auth.test':
      return ok({ url: 'https://hookbot-fake.slack.com/', team: 'Fake', user: 'hookbot', team_id: fake.teamId, user_id: fake.botUserId, bot_id: fake.botId, is_enterprise_install: false });
    case 'chat.postMessage':
      return postMessage(fake, f);
    case 'chat.postEphemeral': {
      const problem = checkChannel(fake, f.channel) ?? checkContent(f);
      if (problem) return problem;
      if (typeof f.user !== 'string' || fake.missingUsers.has(f.user)) return err('user_not_in_channel');
      const ts = fake.nextTs();
      fake.ephemeral.push({ channel: String(f.channel), user: f.user, ts, thread_ts: opt(f.thread_ts), text: opt(f.text), blocks: f.blocks as any });
      return ok({ message_ts: ts });
    }
    case 'conversations.open': {
      const users = String(f.users ?? '').split(',').filter(Boolean);
      if (users.length === 0) return err('users_list_not_supplied');
      const user = users[0]!;
      if (fake.missingUsers.has(user)) return err('user_not_found');
      let id = fake.dms.get(user);
      if (!id) {
        id = fake.nextId('D');
        fake.dms.set(user, id);
      }
      return ok({ channel: { id } });
    }
    case 'files.getUploadURLExternal': {
      const length = Number(f.length);
      if (typeof f.filename !== 'string' || !f.filename || !Number.isInteger(length) || length < 1) return err('invalid_arguments');
      const id = fake.nextId('F');
      fake.files.set(id, { id, filename: f.filename, length });
      return ok({ upload_url: `${fake.url}/upload/v1/${id}`, file_id: id });
    }
    case 'files.completeUploadExternal': {
      const list = f.files as { id: string; title?: string }[] | undefined;
      if (!Array.isArray(list) || list.length === 0) return err('invalid_arguments');
      if (f.channel_id !== undefined) {
        const problem = checkChannel(fake, f.channel_id);
        if (problem) return problem;
      }
      const out = [];
      for (const item of list) {
        const file = fake.files.get(item.id);
        // A file whose bytes never arrived (or not all of them) cannot be completed.
        if (!file || !file.data || file.data.length !== file.length) return err('file_not_found');
        file.shared = { channel: opt(f.channel_id), thread_ts: opt(f.thread_ts), title: item.title, initial_comment: opt(f.initial_comment) };
        out.push({ id: file.id, title: item.title ?? file.filename, name: file.filename, size: file.length });
      }
      return ok({ files: out });
    }
    default:
      return err('unknown_method', { req_method: method });
  }
}

const opt = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function checkChannel(fake: FakeSlack, channel: unknown): Answer | undefined {
  if (typeof channel !== 'string' || channel === '') return err('channel_not_found');
  const state = fake.channels.get(channel) ?? (/^[CGD][A-Z0-9]{2,}$/.test(channel) ? 'ok' : 'missing');
  if (state === 'missing') return err('channel_not_found');
  if (state === 'archived') return err('is_archived');
  if (state === 'not_member') return err('not_in_channel');
  return undefined;
}

function checkContent(f: Fields): Answer | undefined {
  const hasText = typeof f.text === 'string' && f.text.trim() !== '';
  if (!hasText && f.blocks === undefined) return err('no_text');
  if (f.blocks !== undefined) {
    const problems = validateBlocks(f.blocks);
    if (problems.length) return err('invalid_blocks', { errors: problems, response_metadata: { messages: problems } });
  }
  return undefined;
}

// Slack fetches an image block's URL while it takes the message, and refuses the message when it cannot.
function checkImages(fake: FakeSlack, f: Fields): Answer | undefined {
  const blocks = Array.isArray(f.blocks) ? (f.blocks as Fields[]) : [];
  const i = blocks.findIndex((b) => b.type === 'image' && fake.unreachableImages.has(String(b.image_url)));
  if (i < 0) return undefined;
  const problem = `downloading image failed [json-pointer:/blocks/${i}/image_url]`;
  return err('invalid_blocks', { errors: [problem], response_metadata: { messages: [`[ERROR] ${problem}`] } });
}

function postMessage(fake: FakeSlack, f: Fields): Answer {
  const problem = checkChannel(fake, f.channel) ?? checkContent(f) ?? checkImages(fake, f);
  if (problem) return problem;
  const channel = String(f.channel);
  if (fake.rateLimit) {
    const last = fake.lastPost.get(channel);
    const now = fake.now();
    if (last !== undefined && now - last < fake.rateLimit.perChannelMs) return ratelimited(fake.rateLimit.retryAfterSeconds);
    fake.lastPost.set(channel, now);
  }
  let text = opt(f.text);
  const warnings: string[] = [];
  if (text && text.length > LIMITS.messageText) {
    text = text.slice(0, LIMITS.messageText);
    warnings.push('message_truncated');
  }
  const ts = fake.nextTs();
  const msg = { channel, ts, thread_ts: opt(f.thread_ts), text, blocks: f.blocks as any };
  fake.messages.push(msg);
  return ok({ channel, ts, message: { type: 'message', text: text ?? '', user: fake.botUserId, bot_id: fake.botId, ts, blocks: f.blocks }, ...(warnings.length ? { response_metadata: { warnings } } : {}) });
}

// The interaction side of the fake: builds slash-command interactions, delivers them over the gateway or
// signs them for an HTTP interactions endpoint (Ed25519 over timestamp + raw body), and records the
// app's answers: callbacks (204, no content-type), follow-ups, and edits and deletes of @original through webhooks.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeDiscord } from './fake-discord.js';
import { invalidForm, sendJson } from './fake-discord.js';
import { validateMessage } from './limits.js';

export interface SlashCommand {
  name: string;
  args?: string;
  user?: { id: string; username?: string };
  /** The channel it was typed in; a guild channel unless `dm` is set. */
  channel?: string;
  guild?: string;
  dm?: boolean;
  /** Typed inside a thread: `channel` is the thread, `parent` its channel. */
  parent?: string;
}

export interface InteractionRecord {
  id: string;
  token: string;
  payload: any;
  /** The callback body ({type, data}), once the app answered. */
  response?: any;
  followUps: any[];
  edits: any[];
  /** The original response was deleted (DELETE …/messages/@original). */
  deleted: boolean;
  /** Resolves with the callback body. */
  responded: Promise<any>;
}

export class InteractionDriver {
  readonly records = new Map<string, InteractionRecord>();
  private readonly privateKey: KeyObject;
  /** The application's public key as the Developer Portal shows it (64 hex characters). */
  readonly publicKeyHex: string;
  private resolvers = new Map<string, (body: any) => void>();

  constructor(private readonly fake: FakeDiscord) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.publicKeyHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  }

  /** A slash-command interaction (type 2) as Discord sends it, registered so callbacks can find it. */
  build(cmd: SlashCommand): InteractionRecord {
    const id = this.fake.snowflake();
    const token = 'aW50ZXJhY3Rpb24' + randomBytes(24).toString('base64url');
    const user = { id: cmd.user?.id ?? '300000000000000001', username: cmd.user?.username ?? 'alice', discriminator: '0', avatar: null, global_name: cmd.user?.username ?? 'alice' };
    const channelId = cmd.channel ?? '400000000000000001';
    const inGuild = !cmd.dm;
    const guildId = inGuild ? (cmd.guild ?? '500000000000000001') : undefined;
    const channel = cmd.dm ? { id: channelId, type: 1 } : cmd.parent ? { id: channelId, type: 11, parent_id: cmd.parent, guild_id: guildId, name: 'thread' } : { id: channelId, type: 0, guild_id: guildId, name: 'general' };
    const payload: any = {
      id,
      application_id: this.fake.applicationId,
      type: 2,
      token,
      version: 1,
      data: { id: this.fake.snowflake(), name: cmd.name, type: 1, ...(cmd.args !== undefined ? { options: [{ name: 'args', type: 3, value: cmd.args }] } : {}) },
      channel_id: channelId,
      channel,
      app_permissions: '0',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId ?? user.id },
      context: inGuild ? 0 : 1,
      attachment_size_limit: 10485760,
      ...(inGuild
        ? { guild_id: guildId, guild_locale: 'en-US', member: { user, roles: [], permissions: '0', joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, pending: false, nick: null, avatar: null, premium_since: null } }
        : { user }),
    };
    let resolve!: (b: any) => void;
    const responded = new Promise<any>((r) => (resolve = r));
    const rec: InteractionRecord = { id, token, payload, followUps: [], edits: [], deleted: false, responded };
    this.records.set(id, rec);
    this.resolvers.set(id, resolve);
    return rec;
  }

  /** Sends the command over the gateway (INTERACTION_CREATE). Throws if no client is connected. */
  dispatch(cmd: SlashCommand): InteractionRecord {
    const rec = this.build(cmd);
    if (this.fake.gateway.dispatch('INTERACTION_CREATE', rec.payload) === 0) throw new Error('no gateway client connected');
    return rec;
  }

  /** Headers for an HTTP interaction POST; `bad` signs something else, as Discord's own checks do. */
  sign(rawBody: string, opts: { bad?: boolean; timestamp?: string } = {}): Record<string, string> {
    const ts = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
    const sig = sign(null, Buffer.from(ts + (opts.bad ? rawBody + ' ' : rawBody)), this.privateKey).toString('hex');
    return { 'content-type': 'application/json', 'x-signature-ed25519': sig, 'x-signature-timestamp': ts };
  }

  handle(method: string, p: string, u: URL, body: any, res: ServerResponse) {
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(p))) {
      const rec = this.records.get(m[1]!);
      if (!rec || rec.token !== m[2]) return sendJson(res, 404, { message: 'Unknown interaction', code: 10062 });
      if (rec.response) return sendJson(res, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      const errors = body?.data ? validateMessage(body.data) : undefined;
      if (errors) return invalidForm(res, { data: errors });
      rec.response = body;
      this.resolvers.get(rec.id)?.(body);
      if (u.searchParams.get('with_response') === 'true') {
        return sendJson(res, 200, { interaction: { id: rec.id, type: 2, response_message_ephemeral: Boolean(body?.data?.flags & 64) } });
      }
      // Real Discord answers 204 with no content-type; a JSON content-type here breaks discord.js.
      res.writeHead(204);
      return res.end();
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/.exec(p))) {
      const rec = [...this.records.values()].find((r) => r.token === m![2]);
      if (!rec || m[1] !== this.fake.applicationId) return sendJson(res, 404, { message: 'Unknown Webhook', code: 10015 });
      if (method === 'DELETE' && m[3]) {
        if (!rec.response || rec.deleted) return sendJson(res, 404, { message: 'Unknown Message', code: 10008 });
        rec.deleted = true;
        res.writeHead(204);
        return res.end();
      }
      const errors = validateMessage(body ?? {});
      if (errors) return invalidForm(res, errors);
      const msg = { id: this.fake.snowflake(), channel_id: rec.payload.channel_id, content: body?.content ?? '', embeds: body?.embeds ?? [], flags: body?.flags ?? 0, type: 20, attachments: [] };
      if (method === 'POST' && !m[3]) rec.followUps.push(body);
      else if (method === 'PATCH' && m[3]) rec.edits.push(body);
      else return sendJson(res, 405, { message: '405: Method Not Allowed', code: 0 });
      return sendJson(res, 200, msg);
    }
    return sendJson(res, 404, { message: '404: Not Found', code: 0 });
  }
}

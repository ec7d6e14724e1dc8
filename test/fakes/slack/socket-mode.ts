// Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode): apps.connections.open hands out a
// one-time wss URL; the server says `hello`, then sends envelopes the app must ack with
// `{envelope_id, payload?}`. The ack payload of a slash command is the command's immediate answer.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeSlack } from './fake-slack.js';

export interface SlashCommandInput {
  text: string;
  command?: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
}
export interface MentionInput {
  text: string;
  user?: string;
  channel?: string;
  thread_ts?: string;
}
export interface Ack {
  envelope_id: string;
  payload?: Record<string, any>;
}

export class SocketModeServer {
  private wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Duplex>();
  private tickets = new Set<string>();
  private n = 0;
  readonly clients = new Set<WebSocket>();
  readonly acks = new Map<string, Ack>();
  /** Remote ports of accepted connections (to tell a proxied connection from a direct one). */
  readonly peerPorts: number[] = [];
  connections = 0;
  /** WebSocket pings received from apps (each answered with a pong, as Slack's servers do). */
  pings = 0;

  constructor(private readonly fake: FakeSlack) {}

  mintUrl(): string {
    const ticket = `t${++this.n}-${Math.random().toString(36).slice(2)}`;
    this.tickets.add(ticket);
    return `${this.fake.url.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=A0HOOK`;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      this.clients.add(ws);
      this.connections += 1;
      this.peerPorts.push(req.socket.remotePort ?? 0);
      ws.on('close', () => {
        this.clients.delete(ws);
        this.fake.changed();
      });
      ws.on('ping', () => {
        this.pings += 1;
        this.fake.changed();
      });
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as Ack;
        if (msg.envelope_id) {
          this.acks.set(msg.envelope_id, msg);
          this.fake.changed();
        }
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: this.clients.size, debug_info: { host: 'fake', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0HOOK' } }));
      this.fake.changed();
    });
  }

  /** Waits until an app is connected (after its `hello`). */
  connected(timeoutMs = 5000): Promise<true> {
    return this.fake.waitFor(() => this.clients.size > 0, timeoutMs, 'a Socket Mode connection');
  }

  /** Sends an envelope to the connected app and resolves with its ack. */
  async envelope(type: string, payload: Record<string, unknown>, acceptsResponse: boolean, timeoutMs = 5000): Promise<Ack> {
    const ws = [...this.clients][0];
    if (!ws) throw new Error('fake Slack: no Socket Mode connection');
    const envelope_id = `env-${++this.n}`;
    ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: acceptsResponse, retry_attempt: 0, retry_reason: '' }));
    return this.fake.waitFor(() => this.acks.get(envelope_id), timeoutMs, `the ack of ${envelope_id}`);
  }

  /** A slash command as Slack sends it; the ack's payload is the app's immediate answer. */
  slashCommand(input: SlashCommandInput, timeoutMs?: number): Promise<Ack> {
    return this.envelope('slash_commands', slashCommandPayload(this.fake, input), true, timeoutMs);
  }

  /** An `app_mention` event (`<@bot> status`). */
  mention(input: MentionInput, timeoutMs?: number): Promise<Ack> {
    const ts = this.fake.nextTs();
    return this.envelope(
      'events_api',
      {
        token: 'legacy-verification-token',
        team_id: this.fake.teamId,
        api_app_id: 'A0HOOK',
        type: 'event_callback',
        event_id: `Ev${++this.n}`,
        event_time: 1700000000,
        authorizations: [{ team_id: this.fake.teamId, user_id: this.fake.botUserId, is_bot: true, is_enterprise_install: false }],
        event: { type: 'app_mention', user: input.user ?? 'U0ALICE', text: input.text, ts, channel: input.channel ?? 'C0GENERAL', event_ts: ts, ...(input.thread_ts ? { thread_ts: input.thread_ts } : {}) },
      },
      false,
      timeoutMs,
    );
  }

  /** Cuts every connection without a close frame, as a network failure does. */
  drop(): void {
    for (const ws of this.clients) ws.terminate();
  }

  /** Stops reading from every connection without closing it: a peer gone silent (no pongs, no close). */
  stall(): void {
    for (const s of this.sockets) s.pause();
  }

  /** Sends a raw text frame to every connection. */
  sendRaw(text: string): void {
    for (const ws of this.clients) ws.send(text);
  }

  /**
   * Asks the app to reconnect: `refresh_requested` every few hours, `warning` before a server goes
   * away, `link_disabled` when Socket Mode was turned off for the app.
   */
  refresh(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.clients) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
  }

  close(): void {
    for (const ws of this.clients) ws.terminate();
    this.wss.close();
  }
}

/** The slash command fields Slack posts (docs.slack.dev/interactivity/implementing-slash-commands). */
export function slashCommandPayload(fake: FakeSlack, input: SlashCommandInput): Record<string, string> {
  const n = fake.nextId('');
  return {
    token: 'legacy-verification-token',
    team_id: fake.teamId,
    team_domain: 'hookbot-fake',
    channel_id: input.channel_id ?? 'C0GENERAL',
    channel_name: input.channel_name ?? 'general',
    user_id: input.user_id ?? 'U0ALICE',
    user_name: input.user_name ?? 'alice',
    command: input.command ?? '/hookbot',
    text: input.text,
    api_app_id: 'A0HOOK',
    is_enterprise_install: 'false',
    response_url: `${fake.url}/commands/${fake.teamId}/${n}/secret`,
    trigger_id: `${n}.trigger`,
  };
}

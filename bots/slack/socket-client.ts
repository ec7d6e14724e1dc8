// One Socket Mode connection (docs.slack.dev/apis/events-api/using-socket-mode): apps.connections.open
// with the app-level token hands out a one-time WebSocket URL; Slack says `hello`, then sends
// envelopes (`{envelope_id, type, payload, accepts_response_payload}`) that are acknowledged with
// `{envelope_id, payload?}`, and asks for a new connection with `{type: "disconnect"}` (every few
// hours, and before a server goes away). Reconnecting is SocketLink's job: this class only says when
// an established connection is gone (`disconnected`).
//
// Not @slack/socket-mode: its current major needs undici 7 or 8 as a peer and would load it at
// start (about 0.15–0.2 s of CPU and 7 MB), where hookbot's HTTP clients are on node:http and load
// no undici at all (src/kit/http-client.ts). `ws` does the WebSocket work here, as for the Discord
// gateway, and takes the same proxy agent as every other WebSocket.
import { EventEmitter } from 'node:events';
import type { Agent } from 'node:http';
import type { Logger as SlackLogger, WebClient } from '@slack/web-api';
import WebSocket from 'ws';
import { after, systemClock, type Clock } from '../../src/clock.js';

/** One envelope from Slack, with its acknowledgement. */
export interface Envelope {
  type: string;
  body: Record<string, unknown>;
  /** The payload is what Slack shows for a slash command or an interaction (accepts_response_payload). */
  ack(payload?: Record<string, unknown>): Promise<void>;
}

export interface SocketClientOptions {
  /** A Web API client with the app-level token (apps.connections.open takes no other). */
  web: WebClient;
  /** The proxy's agent for the WebSocket, when there is a proxy. */
  agent?: Agent;
  logger: SlackLogger;
  /** How long the WebSocket handshake and Slack's `hello` may take. */
  connectTimeoutMs: number;
  /**
   * A ping every this often; a connection that answered nothing (no pong, ping or message) since
   * the last one is dead: a cut network shows no close, and Slack would stop sending to it.
   */
  pingIntervalMs?: number;
  /** Times the pings (the bot's clock, so a test moves it instead of waiting). */
  clock?: Clock;
}

/** Slack's routine reasons to close a connection: the next one can be opened at once. */
const ROUTINE_DISCONNECTS = new Set(['refresh_requested', 'warning']);

/**
 * The events: `envelope` (an Envelope), `disconnected` (an established connection closed; its
 * argument is true when Slack asked for it for a routine reason).
 */
export class SocketClient extends EventEmitter {
  private ws?: WebSocket;
  /** Moved on by disconnect(): a start() still waiting for its URL then does not connect. */
  private generation = 0;

  constructor(private readonly opts: SocketClientOptions) {
    super();
  }

  /** Opens a connection; resolves on Slack's `hello`. Rejects with the Web API's or the socket's error. */
  async start(): Promise<void> {
    const generation = this.generation;
    const res = await this.opts.web.apps.connections.open({});
    if (generation !== this.generation) throw new Error('disconnected while connecting');
    if (typeof res.url !== 'string' || !res.url) throw new Error('apps.connections.open answered without a WebSocket URL');
    const ws = new WebSocket(res.url, { agent: this.opts.agent, handshakeTimeout: this.opts.connectTimeoutMs });
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      let greeted = false;
      let routine = false;
      let alive = true;
      let stopPinging = () => {};
      const noHello = setTimeout(() => {
        reject(new Error(`Slack said no hello within ${this.opts.connectTimeoutMs} ms`));
        ws.terminate();
      }, this.opts.connectTimeoutMs);
      noHello.unref();
      const heard = () => (alive = true);
      ws.on('ping', heard);
      ws.on('pong', heard);
      ws.on('message', (data, isBinary) => {
        heard();
        if (isBinary) return;
        let msg: { type?: string; envelope_id?: string; payload?: Record<string, unknown>; reason?: string };
        try {
          msg = JSON.parse(String(data));
        } catch {
          this.opts.logger.debug('slack: a Socket Mode message that is not JSON was ignored');
          return;
        }
        if (msg.type === 'hello') {
          // One hello per connection; a repeat must not start a second pinger that nothing clears.
          if (greeted) return;
          greeted = true;
          clearTimeout(noHello);
          const every = this.opts.pingIntervalMs ?? 30_000;
          const ping = () => {
            if (!alive) return ws.terminate();
            alive = false;
            ws.ping();
            stopPinging = after(this.opts.clock ?? systemClock, every, ping);
          };
          stopPinging = after(this.opts.clock ?? systemClock, every, ping);
          resolve();
        } else if (msg.type === 'disconnect') {
          // Slack closes this connection soon; `disconnected` makes SocketLink open the next one.
          this.opts.logger.debug(`slack: Socket Mode disconnect (${String(msg.reason)})`);
          routine = ROUTINE_DISCONNECTS.has(String(msg.reason));
          ws.close(1000);
        } else if (typeof msg.envelope_id === 'string') {
          const id = msg.envelope_id;
          this.emit('envelope', { type: String(msg.type), body: msg.payload ?? {}, ack: (payload) => this.ack(ws, id, payload) } satisfies Envelope);
        }
      });
      ws.on('error', (e) => {
        // 'close' follows; before the hello this error is the attempt's failure.
        if (!greeted) reject(e);
        else this.opts.logger.warn(`slack: Socket Mode connection error: ${e.message}`);
      });
      ws.on('close', () => {
        clearTimeout(noHello);
        stopPinging();
        if (this.ws === ws) this.ws = undefined;
        if (!greeted) reject(new Error('the WebSocket closed before Slack said hello'));
        else this.emit('disconnected', routine);
      });
    });
  }

  private ack(ws: WebSocket, envelope_id: string, payload?: Record<string, unknown>): Promise<void> {
    if (ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('the Socket Mode connection closed before the acknowledgement'));
    return new Promise((resolve, reject) => ws.send(JSON.stringify(payload ? { envelope_id, payload } : { envelope_id }), (e) => (e ? reject(e) : resolve())));
  }

  /** Closes the connection (a close frame; the socket is dropped if the peer does not answer it). */
  async disconnect(): Promise<void> {
    this.generation += 1;
    const ws = this.ws;
    this.ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    if (ws.readyState === WebSocket.CONNECTING) return ws.terminate();
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      const force = setTimeout(() => ws.terminate(), 2000);
      force.unref();
      ws.close(1000);
    });
  }
}

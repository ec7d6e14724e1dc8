// A minimal Discord gateway (developers/events/gateway.mdx): HELLO on connect, IDENTIFY → READY,
// heartbeat → ACK, RESUME → RESUMED, then dispatches pushed by the test (INTERACTION_CREATE).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface GatewayOptions {
  token: () => string;
  botUser: { id: string; username: string };
  applicationId: string;
  resumeUrl: () => string;
  /** Called when sessions change (connected, identified, resumed, closed), for waitFor. */
  changed?: () => void;
}

interface Session {
  ws: WebSocket;
  seq: number;
  identified: boolean;
  intents?: number;
}

export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private sessions = new Set<Session>();
  /** Every IDENTIFY payload seen (token masked), for assertions on intents. */
  readonly identifies: { intents: number }[] = [];
  private readyWaiters: (() => void)[] = [];
  /** When set, IDENTIFY is answered by closing with this code (4004: the token was reset, …). */
  closeOnIdentify?: number;
  /** Connections opened so far (new sessions and resumes), and RESUMEs answered. */
  connections = 0;
  resumes = 0;

  constructor(private readonly opts: GatewayOptions) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket) {
    const s: Session = { ws, seq: 0, identified: false };
    this.connections++;
    this.sessions.add(s);
    ws.on('close', () => {
      this.sessions.delete(s);
      this.opts.changed?.();
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      let msg: any;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (msg.op) {
        case 1:
          ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
          break;
        case 2:
          if (msg.d?.token !== this.opts.token() || this.closeOnIdentify === 4004) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          if (this.closeOnIdentify) {
            ws.close(this.closeOnIdentify, 'Closed by the test.');
            return;
          }
          s.identified = true;
          s.intents = msg.d.intents;
          this.identifies.push({ intents: msg.d.intents });
          this.send(s, 'READY', {
            v: 10,
            user: { ...this.opts.botUser, discriminator: '0', bot: true, avatar: null, global_name: null },
            guilds: [],
            session_id: 'fake-session',
            resume_gateway_url: this.opts.resumeUrl(),
            shard: [0, 1],
            application: { id: this.opts.applicationId, flags: 0 },
          });
          for (const w of this.readyWaiters.splice(0)) w();
          this.opts.changed?.();
          break;
        case 6:
          s.identified = true;
          this.resumes++;
          this.send(s, 'RESUMED', null);
          this.opts.changed?.();
          break;
        default:
          break;
      }
    });
  }

  private send(s: Session, t: string, d: unknown) {
    s.seq += 1;
    s.ws.send(JSON.stringify({ op: 0, t, s: s.seq, d }));
  }

  /** Identified sessions right now. */
  get connected(): number {
    return [...this.sessions].filter((s) => s.identified).length;
  }

  /** Resolves once a client has identified (at once if one already has). */
  waitForIdentify(timeoutMs = 5000): Promise<void> {
    if (this.connected > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no gateway IDENTIFY within ' + timeoutMs + 'ms')), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Sends a dispatch to every identified session; returns how many got it. */
  dispatch(t: string, d: unknown): number {
    let n = 0;
    for (const s of this.sessions) {
      if (!s.identified) continue;
      this.send(s, t, d);
      n++;
    }
    return n;
  }

  /** Asks every session to reconnect (op 7 RECONNECT), as Discord does before moving a session. */
  reconnect(): number {
    for (const s of this.sessions) s.ws.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
    return this.sessions.size;
  }

  close() {
    for (const s of this.sessions) s.ws.terminate();
    this.sessions.clear();
    this.wss.close();
  }
}

// Commands in over Socket Mode: an outbound WebSocket to Slack, no public URL. SocketClient holds
// one connection and hands over each envelope with its ack; SocketLink keeps it connected.
import type { Agent } from 'node:http';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { receive, type ReceiverSetup } from './receiver.js';
import { SocketClient, type Envelope } from './socket-client.js';
import { SocketLink, type SocketLinkOptions } from './socket-link.js';

/** The link that keeps the connection up (call `link.start()`). */
export function socketMode(s: ReceiverSetup, appToken: string, link: SocketLinkOptions, clientOptions: WebClientOptions, agent?: Agent): SocketLink {
  const client = new SocketClient({
    // apps.connections.open goes the way of every other Web API call (the same proxy, timeout and logger).
    web: new WebClient(appToken, clientOptions),
    agent,
    logger: s.logger,
    connectTimeoutMs: s.timeoutMs,
    clock: s.clock,
  });
  client.on('envelope', (e: Envelope) => void receive(s, e));
  return new SocketLink(client, link);
}

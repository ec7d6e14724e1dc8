// Drives HTTP mode as Slack does: a form-encoded slash command signed with the v0 scheme
// (docs.slack.dev/authentication/verifying-requests-from-slack):
//   X-Slack-Signature = 'v0=' + hex(HMAC-SHA256(signing_secret, 'v0:' + timestamp + ':' + body)).
// Slash commands come as `application/x-www-form-urlencoded`, Events API deliveries as JSON.
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

export interface SignedPostOptions {
  /** Unix seconds; defaults to now. Slack's apps refuse timestamps more than five minutes off. */
  timestamp?: number;
  /** Sign with this secret instead (a wrong one gives a bad signature). */
  secret?: string;
}

export interface SignedPostResult {
  status: number;
  body: string;
  json?: Record<string, any>;
  ms: number;
}

export function postSignedForm(url: string, secret: string, fields: Record<string, string>, opts: SignedPostOptions = {}): Promise<SignedPostResult> {
  return postSigned(url, secret, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', opts);
}

/** Events API deliveries (url_verification, event_callback) come as JSON. */
export function postSignedJson(url: string, secret: string, payload: unknown, opts: SignedPostOptions = {}): Promise<SignedPostResult> {
  return postSigned(url, secret, JSON.stringify(payload), 'application/json', opts);
}

async function postSigned(url: string, secret: string, body: string, contentType: string, opts: SignedPostOptions): Promise<SignedPostResult> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(opts.secret ?? secret, timestamp, body),
    },
    body,
  });
  const text = await res.text();
  let json: Record<string, any> | undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: text, json, ms: performance.now() - started };
}

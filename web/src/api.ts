// The dashboard speaks only to /api/v1. The session cookie (HttpOnly, SameSite=Strict) is sent by
// the browser; every request that changes something also carries X-Hookbot-CSRF, a header a page on
// another site cannot add without a CORS preflight that hookbot never allows.
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let onSignedOut: () => void = () => {};
export function whenSignedOut(f: () => void) {
  onSignedOut = f;
}

export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-hookbot-csrf'] = '1';
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  const body = text ? safeJson(text) : undefined;
  if (res.status === 401 && path !== '/session') onSignedOut();
  if (!res.ok) throw new ApiError(res.status, (body as { error?: string } | undefined)?.error ?? res.statusText);
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text };
  }
}

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'dead' | 'muted';

export interface Session {
  signedIn: boolean;
  /** False when no server.apiToken is configured: the dashboard is off. */
  enabled: boolean;
  locale: string;
  timezone: string;
  version: string;
}

export interface BotHealth {
  state: 'starting' | 'ok' | 'unhealthy' | 'stopped';
  reason?: string;
  since?: string;
}

export interface BotInfo {
  id: string;
  platform: string;
  health: BotHealth;
  /** Names from people/groups that reach this bot, with the target each stands for. */
  targets: { name: string; target: string }[];
  /** The shape of a target for this bot, as /whoami gives it in a chat. */
  pattern: string;
}

export interface EventSummary {
  id: string;
  source: string;
  event: string;
  level: string;
  title?: string;
  createdAt: number;
}

export interface Delivery {
  id: number;
  eventId: string;
  target: string;
  bot: string;
  state: DeliveryState;
  attempts: number;
  lastError?: string;
  updatedAt: number;
}

export interface Capture {
  id: number;
  source: string;
  at: number;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The raw body, secrets redacted. */
  body: string;
  outcome: string;
}

export interface Notice {
  source: string;
  event: string;
  level: string;
  title?: string;
  text?: string;
  time: string;
  [k: string]: unknown;
}

export interface EventDetail {
  id: string;
  notice: Notice;
  deliveries: Delivery[];
  /** The payload it came with, when the source captures them. */
  payload?: Capture;
}

export interface Preview {
  bot: string;
  platform: string;
  /** What the platform receives, in its own markup (Telegram HTML, Discord markdown, …). */
  text: string;
  format: string;
}

export interface Activity {
  from: number;
  bucketMs: number;
  webhooks: number[];
  sent: number[];
}

export interface Status {
  version: string;
  deliveries: Record<DeliveryState, number>;
  lastEvents: EventSummary[];
}

export interface Mute {
  id: number;
  pattern: string;
  until: number;
  by: string;
}

export interface SourceInfo {
  name: string;
  format: string;
  /** `file`: defined in the YAML, read-only here. */
  origin: 'file' | 'api';
  readOnly: boolean;
  /** The source's options, secrets masked. */
  value: Record<string, unknown>;
  /** The URL to paste into the sender, the token masked. */
  url?: string;
  /** Where it goes, in the sender's own words. */
  paste?: string;
  path: string;
}

/** The answer to creating or replacing a source: the URL, with a new token in full this once. */
export interface SourceSaved extends SourceInfo {
  created: boolean;
  token?: string;
  url: string;
  paste?: string;
}

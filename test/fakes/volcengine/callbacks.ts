// The fake acting as Volcengine Live towards a registered receiver: a signed callback POSTed to each
// URL, success only on HTTP 200 within the timeout, else retried (3 quick retries, then a slower
// queue until the window closes) — reference/volcengine-openapi.md §5, inbound-formats.md §1.
import { createHash } from 'node:crypto';

export interface StoredCallback {
  Vhost?: string;
  Domain?: string;
  App?: string;
  MessageType: string;
  CallbackDetailList: { CallbackType: string; URL: string }[];
  AuthEnable: boolean;
  AuthKeyPrimary?: string;
  TranscodeCallback?: number;
  CreateTime: string;
  CreateTimeUTC: string;
}

export interface CallbackEvent {
  vhost: string;
  app: string;
  stream: string;
  /** push_start, push_end, record, snapshot… */
  eventType: string;
  /** Default: the flat body; `byteplus` wraps it in {code, message, data: {…, detail}}. */
  envelope?: 'flat' | 'byteplus';
  /** Send t as a string (one revision of the docs types it so). */
  tAsString?: boolean;
  /** Sign with a t already past. */
  expired?: boolean;
  extra?: Record<string, unknown>;
}

export interface Attempt {
  url: string;
  /** The HTTP status, or 0 for no answer in time / no connection. */
  status: number;
  at: number;
  body: Record<string, unknown>;
  /** The AuthKeyPrimary that signed it (undefined when unsigned), so a test can tell old and new keys apart. */
  key?: string;
}

export interface RetryPolicy {
  timeoutMs: number;
  quickRetries: number;
  quickDelayMs: number;
  queueDelayMs: number;
  /** Give up this long after the first attempt (10 minutes on Volcengine). */
  windowMs: number;
}

export const VOLCENGINE_RETRY: RetryPolicy = { timeoutMs: 4000, quickRetries: 3, quickDelayMs: 3000, queueDelayMs: 30_000, windowMs: 600_000 };

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
let seq = 0;

/** The body Volcengine posts for one config, signed with its AuthKeyPrimary. */
export function callbackBody(cfg: StoredCallback, e: CallbackEvent, nowMs: number): Record<string, unknown> {
  const now = Math.floor(nowMs / 1000);
  const t = cfg.AuthEnable ? (e.expired ? now - 60 : now + 600) : 0;
  const sign = cfg.AuthEnable ? md5(cfg.AuthKeyPrimary! + String(t)) : '';
  const common = { vhost: e.vhost, domain: e.vhost, app: e.app, stream: e.stream, event_type: e.eventType, sign, t: e.tAsString ? String(t) : t };
  const detail = { time: now, time_ms: nowMs, transcoded: false, fp_node_ip: '10.10.10.1', fp_client_ip: '10.10.10.2', fp_user_url: '', session_id: `${now}_${++seq}`, sequence_id: `seq-${nowMs}-${seq}`, ...e.extra };
  return e.envelope === 'byteplus' ? { code: 0, message: 'ok', data: { ...common, detail } } : { ...common, priority: 0, backup_count: '0', ...detail };
}

async function postOnce(url: string, body: Record<string, unknown>, timeoutMs: number): Promise<number> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Delivers one body to one URL as Volcengine does; resolves with every attempt once it is 200 or given up. */
export async function deliver(url: string, body: Record<string, unknown>, p: RetryPolicy, onAttempt: (a: Attempt) => void, key?: string): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const first = Date.now();
  for (let n = 0; ; n++) {
    const status = await postOnce(url, body, p.timeoutMs);
    const a: Attempt = { url, status, at: Date.now(), body, key };
    attempts.push(a);
    onAttempt(a);
    if (status === 200) return attempts;
    const delay = n < p.quickRetries ? p.quickDelayMs : p.queueDelayMs;
    if (Date.now() + delay - first > p.windowMs) return attempts;
    await new Promise((r) => setTimeout(r, delay));
  }
}

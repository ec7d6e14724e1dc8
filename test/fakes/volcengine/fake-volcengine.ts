// A protocol-faithful fake Volcengine Live OpenAPI (UpdateCallback / DescribeCallback /
// DeleteCallback, Version 2023-01-01): checks the signature, Action, Version and body rules,
// keeps the callback list, and then plays Volcengine towards the registered URLs (callbacks.ts).
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSignature, type GatewayError } from './auth.js';
import { checkQuery, checkUpdate } from './rules.js';
import { callbackBody, deliver, VOLCENGINE_RETRY, type Attempt, type CallbackEvent, type RetryPolicy, type StoredCallback } from './callbacks.js';

export interface FakeVolcengineOptions {
  /** Access key id → secret. */
  keys?: Record<string, string>;
  region?: string;
  now?: () => number;
  /** Allowed X-Date difference from `now`. */
  skewSeconds?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Awaited before an UpdateCallback takes effect (the body is valid and about to be stored), so a
   * test can probe the receiver at the moment Volcengine would start signing with a new key.
   */
  beforeUpdate?: (body: Record<string, unknown>) => Promise<void> | void;
}

const ACTIONS = ['UpdateCallback', 'DescribeCallback', 'DeleteCallback'];
const VERSION = '2023-01-01';

export class FakeVolcengine extends EventEmitter {
  readonly keys: Record<string, string>;
  readonly region: string;
  /** Every OpenAPI call, as received. */
  readonly calls: { action: string; body: Record<string, unknown>; error?: string }[] = [];
  /** Every callback POST the fake made. */
  readonly attempts: Attempt[] = [];
  /** See FakeVolcengineOptions.beforeUpdate; settable while running. */
  beforeUpdate?: FakeVolcengineOptions['beforeUpdate'];
  private readonly store = new Map<string, StoredCallback>();
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private server?: Server;
  private n = 0;
  url = '';

  constructor(private readonly o: FakeVolcengineOptions = {}) {
    super();
    this.keys = o.keys ?? { AKLTfakeAccessKey0001: 'fakeSecretAccessKey0001==' };
    this.region = o.region ?? 'cn-north-1';
    this.now = o.now ?? Date.now;
    this.retry = { ...VOLCENGINE_RETRY, ...o.retry };
    this.beforeUpdate = o.beforeUpdate;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /** The stored configs, as DescribeCallback would list them. */
  list(): StoredCallback[] {
    return [...this.store.values()].map((c) => structuredClone(c));
  }

  /**
   * Plays a live event: every stored config of `messageType` for the event's vhost and app gets a
   * signed POST at each URL, retried until 200 or the window closes. Resolves with the attempts.
   */
  async sendEvent(messageType: string, e: CallbackEvent): Promise<Attempt[]> {
    const configs = [...this.store.values()].filter((c) => c.MessageType === messageType && (c.Vhost ?? c.Domain) === e.vhost && (!c.App || c.App === e.app));
    const runs = configs.flatMap((c) => c.CallbackDetailList.map((d) => deliver(d.URL, callbackBody(c, e, this.now()), this.retry, (a) => (this.attempts.push(a), this.emit('attempt', a)), c.AuthEnable ? c.AuthKeyPrimary : undefined)));
    return (await Promise.all(runs)).flat();
  }

  /** One POST of a callback signed with `key` (any key, not only a registered one): a probe, never retried. */
  async probe(url: string, key: string, e: CallbackEvent): Promise<Attempt> {
    const cfg: StoredCallback = { Vhost: e.vhost, App: e.app, MessageType: 'push', CallbackDetailList: [{ CallbackType: 'http', URL: url }], AuthEnable: true, AuthKeyPrimary: key, CreateTime: '', CreateTimeUTC: '' };
    const [a] = await deliver(url, callbackBody(cfg, e, this.now()), { ...this.retry, quickRetries: 0, windowMs: 0 }, () => undefined, key);
    return a!;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const action = url.searchParams.get('Action') ?? '';
    const meta = { RequestId: `fake-${++this.n}`, Action: action, Version: url.searchParams.get('Version') ?? '', Service: 'live', Region: this.region };
    const answer = (status: number, Result: unknown, e?: GatewayError) => {
      this.calls.push({ action, body: safeJson(raw) ?? {}, error: e?.Code });
      res.writeHead(e?.status ?? status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(e ? { ResponseMetadata: { ...meta, Error: { Code: e.Code, CodeN: e.CodeN, Message: e.Message } } } : { ResponseMetadata: meta, Result }));
    };
    if (req.method !== 'POST' || url.pathname !== '/') return answer(404, null, { status: 404, Code: 'InvalidActionOrVersion', CodeN: 100008, Message: 'POST / only' });
    if (!action || !url.searchParams.get('Version')) return answer(400, null, { status: 400, Code: 'MissingParameter', CodeN: 100002, Message: 'Action and Version are required' });
    if (!ACTIONS.includes(action) || url.searchParams.get('Version') !== VERSION) return answer(404, null, { status: 404, Code: 'InvalidActionOrVersion', CodeN: 100008, Message: `unknown action ${action} for version ${url.searchParams.get('Version')}` });
    const authErr = checkSignature(req.method, url.searchParams, req.headers, raw, { keys: this.keys, region: this.region, nowMs: this.now(), skewSeconds: this.o.skewSeconds ?? 900 });
    if (authErr) return answer(0, null, authErr);
    const body = safeJson(raw);
    if (!body) return answer(400, null, { status: 400, Code: 'InvalidParameter', CodeN: 100001, Message: 'the body is not a JSON object' });

    if (action === 'UpdateCallback') {
      const bad = checkUpdate(body);
      if (bad) return answer(0, null, bad);
      await this.beforeUpdate?.(body);
      const now = new Date(this.now());
      // UpdateCallback replaces the whole record for its key.
      const { Vhost, Domain, App, MessageType, CallbackDetailList, AuthEnable, AuthKeyPrimary, TranscodeCallback } = body as unknown as StoredCallback;
      this.store.set(key(body), { ...(Vhost ? { Vhost } : { Domain }), App: App ?? '', MessageType, CallbackDetailList, AuthEnable: AuthEnable ?? false, ...(AuthEnable ? { AuthKeyPrimary } : {}), TranscodeCallback: TranscodeCallback ?? 0, CreateTime: now.toISOString().replace('Z', '+00:00'), CreateTimeUTC: now.toISOString().replace(/\.\d{3}/, '') });
      this.emit('updated', body);
      return answer(200, null);
    }
    const bad = checkQuery(body);
    if (bad) return answer(0, null, bad);
    const matches = [...this.store.entries()].filter(([, c]) => (c.Vhost ?? c.Domain) === (body.Vhost ?? body.Domain) && (!body.App || c.App === body.App) && (!body.MessageType || c.MessageType === body.MessageType));
    if (action === 'DescribeCallback') return answer(200, { CallbackList: matches.map(([, c]) => c) });
    for (const [k] of matches) this.store.delete(k);
    return answer(200, null);
  }
}

const key = (b: Record<string, unknown>) => `${b.Vhost || b.Domain}|${b.App ?? ''}|${b.MessageType}`;

function safeJson(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(raw.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

// A fake webhook receiver, like the uploader script in the seeds: it takes POSTs on any path,
// verifies Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature) with the
// `standardwebhooks` package when it has a secret, records what arrived, and can be told to be down
// for a while — answering 5xx (with an optional Retry-After), or refusing connections altogether.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { HttpFake, json, pathOf, queryOf } from '../robot/http-fake.js';

export interface Received {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
  /** The `webhook-id` header, when signed. */
  id?: string;
}

export type Outage = { status: number; retryAfter?: string } | 'refuse';

export class FakeReceiver {
  readonly http = new HttpFake((req, body, res) => this.handle(req, body, res));
  /** Accepted requests (verified, answered 2xx). */
  readonly received: Received[] = [];
  readonly stats = { refused: 0, badSignature: 0, down: 0 };
  private outage?: Outage;
  private readonly verifier?: Webhook;
  /** Answers for the next requests, before signatures are checked (e.g. 400 or 429). */
  private readonly script: { status: number; headers?: Record<string, string> }[] = [];

  constructor(opts: { secret?: string } = {}) {
    if (opts.secret) this.verifier = new Webhook(opts.secret);
  }

  get url(): string {
    return this.http.url;
  }
  start() {
    return this.http.start();
  }
  stop() {
    return this.http.stop();
  }
  waitFor(cond: () => boolean, timeoutMs?: number, what?: string) {
    return this.http.waitFor(cond, timeoutMs, what);
  }

  /** Goes down: answers with `status` (and Retry-After) or stops listening until up(). */
  async down(outage: Outage): Promise<void> {
    this.outage = outage;
    if (outage === 'refuse') await this.http.stop();
  }

  /** Comes back on the same port. */
  async up(): Promise<void> {
    const was = this.outage;
    this.outage = undefined;
    if (was === 'refuse') await this.http.start();
  }

  /** The next request is answered with this status, whatever it carries. */
  answerNext(status: number, headers?: Record<string, string>): void {
    this.script.push({ status, headers });
  }

  /** The deliveries that arrived, counting one per webhook-id (a receiver drops repeats). */
  distinct(): Received[] {
    const seen = new Set<string>();
    return this.received.filter((r) => (r.id ? (seen.has(r.id) ? false : (seen.add(r.id), true)) : true));
  }

  private handle(req: IncomingMessage, body: Buffer, res: ServerResponse) {
    if (req.method !== 'POST') return json(res, 405, { error: 'POST only' });
    if (this.outage && this.outage !== 'refuse') {
      this.stats.down++;
      return json(res, this.outage.status, { error: 'down' }, this.outage.retryAfter ? { 'retry-after': this.outage.retryAfter } : {});
    }
    const scripted = this.script.shift();
    if (scripted) {
      this.stats.refused++;
      return json(res, scripted.status, { error: 'scripted' }, scripted.headers);
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    if (this.verifier) {
      try {
        this.verifier.verify(body, headers);
      } catch (e) {
        this.stats.badSignature++;
        return json(res, 401, { error: `bad signature: ${(e as Error).message}` });
      }
    }
    this.received.push({ path: pathOf(req), query: Object.fromEntries(queryOf(req)), headers, body, id: headers['webhook-id'] || undefined });
    json(res, 200, { ok: true });
  }
}

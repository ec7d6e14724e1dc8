// The HTTP client every platform's REST calls go through: Node's own node:http and node:https on a
// keep-alive agent per bot (or the bot's proxy, as a Node agent from proxy.ts), answering with the
// part of a fetch Response the platform libraries read (grammY, @slack/web-api, @discordjs/rest's
// `makeRequest`). Not the undici package nor Node's global fetch: loading either and making one
// request costs about 9 MB (the package) or 5 MB (Node's internal copy) of resident memory for the
// life of the process, node:http about 0.1 MB, and a bot makes a request every few seconds at most.
//
// Differences from fetch, on purpose: redirects are not followed (the platform APIs answer where
// they are asked; a 3xx comes back as it is), the body is not decompressed (no accept-encoding is
// sent), and a FormData body (file uploads) is serialised by Node's own Response, which loads
// Node's undici then and only then.
import { Agent as HttpAgent, request as httpRequest, STATUS_CODES, type IncomingMessage, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { proxyAgent } from './proxy.js';

/** Header values as the libraries give them: a plain object (undefined values left out), pairs, or a Headers. */
export type HeadersInit = Record<string, string | readonly string[] | undefined> | Iterable<readonly [string, string]>;

/** What can be sent: text, bytes, a stream or async iterable of bytes, form fields, or a FormData. */
export type BodyInit = string | Uint8Array | ArrayBuffer | URLSearchParams | Readable | AsyncIterable<Uint8Array> | Blob | FormData | null | undefined;

/** The signal of an AbortController (or a polyfill of one: grammY's is). */
export interface SignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface HttpInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit;
  signal?: SignalLike | null;
}

/** The answer's headers, read as a fetch Headers is (names in any case; repeated ones joined by ', '). */
export class AnswerHeaders implements Iterable<[string, string]> {
  constructor(private readonly raw: IncomingMessage['headers']) {}

  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) yield [name, this.get(name)!];
  }

  keys(): IterableIterator<string> {
    return Object.keys(this.raw).sort()[Symbol.iterator]();
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const [k, v] of this.entries()) fn(v, k);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** An answer: its status and headers at once, its body read once, as text, JSON, bytes or a stream. */
export class HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: AnswerHeaders;
  private used = false;

  constructor(
    /** The URL asked (no redirect is followed, so also the one answering). */
    readonly url: string,
    private readonly res: IncomingMessage,
  ) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage || STATUS_CODES[this.status] || '';
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new AnswerHeaders(res.headers);
  }

  /** The body as a Node stream; reading it directly marks it used too. */
  get body(): Readable {
    return this.res;
  }

  get bodyUsed(): boolean {
    return this.used || this.res.readableDidRead;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.bytes();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  private async bytes(): Promise<Buffer> {
    if (this.bodyUsed) throw new TypeError('the body of this answer was already read');
    this.used = true;
    const chunks: Buffer[] = [];
    for await (const c of this.res) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
}

export interface HttpClientOptions {
  /** A proxy URL (http, https, socks5, socks5h): every request goes through it. */
  proxy?: string;
  /** A bound on each request, from its start until its answer's body has arrived. */
  timeoutMs?: number;
  /** How long a kept-alive connection may sit idle before the client closes it (default 4 s). */
  idleMs?: number;
}

/**
 * An idle kept-alive connection is closed after this long, as undici's default keep-alive timeout
 * did. Node's agent otherwise keeps it until the server closes it, and on a NAS behind NAT or a
 * proxy that connection is often dropped silently: the next send, maybe hours later, would be
 * written into a dead socket and wait out its timeout, or meet a reset. (A server's own
 * `Keep-Alive: timeout=N` hint still shortens it.)
 */
const IDLE_MS = 4000;

export type HttpClient = (url: string | URL, init?: HttpInit) => Promise<HttpAnswer>;

/** A client with connections of its own, kept alive between requests (one per bot). */
export function httpClient(options: HttpClientOptions = {}): HttpClient {
  const proxy = options.proxy ? proxyAgent(options.proxy) : undefined;
  // The agent's `timeout` closes only free sockets: a request in flight (a 30 s long poll) is bounded
  // by its signal and timeoutMs, not by this.
  const keep = { keepAlive: true, timeout: options.idleMs ?? IDLE_MS };
  const plain = proxy ?? new HttpAgent(keep);
  const secure = proxy ?? new HttpsAgent(keep);
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? new URL(input) : input;
    const isHttps = url.protocol === 'https:';
    if (!isHttps && url.protocol !== 'http:') throw new TypeError(`cannot request ${url.protocol} URLs`);
    const headers = headerObject(init.headers);
    const body = await bodyOf(init.body, headers);
    return send(url, isHttps, isHttps ? secure : plain, (init.method ?? 'GET').toUpperCase(), headers, body, init.signal ?? undefined, options.timeoutMs);
  };
}

function send(url: URL, isHttps: boolean, agent: HttpAgent, method: string, headers: Record<string, string>, body: Buffer | Readable | undefined, signal: SignalLike | undefined, timeoutMs: number | undefined): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    let req: ClientRequest;
    let res: IncomingMessage | undefined;
    let timer: NodeJS.Timeout | undefined;
    // Until the answer has its headers a failure rejects the promise; after, it ends the body's stream.
    const fail = (e: unknown) => {
      req.destroy(e as Error);
      if (res) res.destroy(e as Error);
      else reject(e);
    };
    const onAbort = () => fail(abortReason(signal!));
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (body instanceof Buffer) headers['content-length'] = String(body.length);
    req = (isHttps ? httpsRequest : httpRequest)(url, { method, headers, agent }, (r) => {
      res = r;
      r.once('close', done);
      resolve(new HttpAnswer(url.href, r));
    });
    req.once('error', (e) => {
      if (!res) {
        done();
        reject(e);
      }
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs) timer = setTimeout(() => fail(timeoutError(timeoutMs)), timeoutMs);
    if (body instanceof Readable) {
      body.once('error', (e) => fail(e));
      body.pipe(req);
    } else req.end(body);
  });
}

function headerObject(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!init) return out;
  const pairs = Symbol.iterator in init ? (init as Iterable<readonly [string, string]>) : Object.entries(init as Record<string, unknown>);
  for (const [k, v] of pairs) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

async function bodyOf(body: BodyInit, headers: Record<string, string>): Promise<Buffer | Readable | undefined> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return Buffer.from(body.toString());
  }
  if (body instanceof Readable) return body;
  if (Symbol.asyncIterator in body) return Readable.from(body as AsyncIterable<Uint8Array>);
  // A FormData or a Blob: only file uploads send one, and whoever made it has loaded Node's fetch
  // classes already; Node's Response writes the multipart body and its boundary.
  const encoded = new Response(body as Blob | FormData);
  const type = encoded.headers.get('content-type');
  if (type) headers['content-type'] ??= type;
  return Buffer.from(await encoded.arrayBuffer());
}

// The errors fetch gives, by name, so the callers' checks (AbortError, TimeoutError) read the same.
function abortReason(signal: SignalLike): unknown {
  if (signal.reason !== undefined) return signal.reason;
  return Object.assign(new Error('the request was aborted'), { name: 'AbortError' });
}

function timeoutError(ms: number): Error {
  return Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' });
}

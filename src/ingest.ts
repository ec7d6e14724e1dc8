// The receiving pipeline after the HTTP layer: token/signature → format parser → Notice → router
// → durable commit. Nothing is stored unless every step passed; nothing is answered 202 before the commit.
import { systemTimeZone } from './i18n/time.js';
import { isUtf8 } from 'node:buffer';
import * as z from 'zod';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config, SourceConfig } from './config.js';
import type { InboundFormat, ParseContext } from './inbound/format.js';
import { PayloadError } from './inbound/format.js';
import type { Notice, ParsedNotice } from './notice.js';
import { TargetError, type Router } from './router.js';
import type { Capture, IngestAnswer, Mute, Store } from './store/store.js';
import { presentedToken, type SourceGuard, type RequestFacts } from './auth/guard.js';
import { HttpError } from './http/errors.js';
import { fmtPath } from './config.js';
import { collectSecrets, redactPayload, redactText, redactValue } from './capture/redact.js';
import { newEventId } from './event-id.js';

export interface IncomingHook extends RequestFacts {
  raw: Buffer;
  idempotencyKey?: string;
}

/** The store's answer, plus what the sender should fix although nothing was lost. */
export type Answer = IngestAnswer & { warnings?: string[] };

/** The line a reader sees when a payload's target could not be used. */
function targetNote(warning: string, locale: string | undefined): string {
  return locale === 'zh-CN' ? `⚠ 未能发送到 ${warning}` : `⚠ Not sent to ${warning}`;
}

export interface IngestDeps {
  config: Config;
  formats: Record<string, InboundFormat>;
  router: Router;
  store: Store;
  guards: Map<string, SourceGuard>;
  clock: Clock;
  logger: Logger;
  /** Told after each commit, so the worker starts at once instead of at its next poll. */
  onCommitted?: () => void;
  /** Bots that forward the sender's payload as it came (the outbound webhook): their events keep it. */
  forwardsRaw?: (bot: string) => boolean;
}

const MUTE_CACHE_MS = 1000;
const NO_BODY = Buffer.alloc(0);

/** A ZodError as one line naming each bad field. */
export function describeZodError(e: z.ZodError): string {
  return e.issues
    .slice(0, 5)
    .map((i) => deepest(i, []))
    .map((i) => `${i.path.length ? fmtPath(i.path) : 'body'}: ${i.message}`)
    .join('; ');
}

// A union ("a string, a number or a list of them") fails as a whole; the branch that got furthest
// names the actual field, e.g. send_to[0] rather than send_to.
function deepest(i: z.core.$ZodIssue, base: PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...base, ...i.path];
  if (i.code !== 'invalid_union' || !('errors' in i) || !i.errors.length) return { path, message: i.message };
  let best = { path, message: i.message };
  for (const branch of i.errors) for (const sub of branch) {
    const d = deepest(sub, path);
    if (d.path.length > best.path.length) best = d;
  }
  return best;
}

export class Ingest {
  /** The last read of the mutes: when it was made, and once it is in, its list (no await then). */
  private mutes: { at: number; list: Promise<Mute[]>; value?: Mute[] } = { at: -Infinity, list: Promise.resolve([]) };
  private readonly sources: Record<string, SourceConfig>;
  /** Every secret in the config: cut out of payloads before they are parsed, stored or captured. */
  private readonly secrets: string[];

  constructor(private readonly deps: IngestDeps) {
    this.secrets = collectSecrets(deps.config);
    // Formats read the locale from their source (field names, fallback titles) and its time zone
    // (a sender's times without an offset): the top-level ones are the defaults. A format may need a larger
    // body than the server's default (BetterGI screenshots); a source's own bodyLimit still wins.
    const serverLimit = deps.config.server.bodyLimit;
    // The machine's zone is asked of Intl when a payload first needs it: that loads ICU's zone data
    // (about 8 MB resident), which an instance whose senders give offsets never needs.
    let machineZone: string | undefined;
    const zone = { enumerable: true, get: () => (machineZone ??= systemTimeZone()) };
    this.sources = Object.fromEntries(
      Object.entries(deps.config.sources).map(([n, s]) => {
        const src = s as SourceConfig;
        const formatLimit = deps.formats[src.format]?.bodyLimit;
        const bodyLimit = src.bodyLimit ?? (formatLimit !== undefined && formatLimit > serverLimit ? formatLimit : undefined);
        const timezone = src.timezone ?? deps.config.timezone;
        const own = { ...src, locale: src.locale ?? deps.config.locale, timezone, bodyLimit };
        return [n, timezone === undefined ? Object.defineProperty(own, 'timezone', zone) : own];
      }),
    );
  }

  source(name: string): SourceConfig | undefined {
    return Object.hasOwn(this.sources, name) ? this.sources[name] : undefined;
  }

  /** The status of a successful answer for this source: 202, or what its sender insists on. */
  acceptedStatus(name: string): number {
    const s = this.source(name);
    return (s && this.deps.formats[s.format]?.acceptedStatus) ?? 202;
  }

  /** The checks that run before the body is read (IP allow-list, request rate). */
  admit(sourceName: string, facts: RequestFacts): void {
    if (!this.source(sourceName)) throw new HttpError(404, `no source '${sourceName}' is configured`);
    this.deps.guards.get(sourceName)!.admit(facts);
  }

  /**
   * A WebSocket asking to carry this source's webhooks (BetterGI's notifier): the token in its URL or
   * headers is checked before the upgrade, so a stranger never gets a socket; each message is then
   * checked again like a POST. A sender that proves each message itself (a token field in the body,
   * a format's own signature) is left to the per-message check when its URL carries no token.
   */
  authenticateConnection(sourceName: string, facts: RequestFacts): void {
    this.admit(sourceName, facts);
    const source = this.source(sourceName)!;
    if (source.signature) throw new HttpError(400, `source '${sourceName}' checks a signature over each request's body, which a WebSocket message cannot carry: POST to it instead`);
    const format = this.deps.formats[source.format]!;
    const auth = { remoteAddress: facts.remoteAddress, headers: facts.headers, query: facts.query, raw: NO_BODY, formatAuthenticated: false };
    if (presentedToken(auth) === undefined && (format.tokenFields?.length || format.authenticate)) return;
    this.deps.guards.get(sourceName)!.authenticate(auth);
  }

  async receive(sourceName: string, req: IncomingHook): Promise<Answer> {
    const source = this.source(sourceName);
    if (!source) throw new HttpError(404, `no source '${sourceName}' is configured`);
    const format = this.deps.formats[source.format]!;
    let outcome = '';
    let body: unknown;
    let authenticated = false;
    try {
      body = parseJson(req.raw);
      let bodyToken: string | undefined;
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        for (const f of format.tokenFields ?? []) {
          const v = (body as Record<string, unknown>)[f];
          if (v !== undefined) {
            if (typeof v === 'string' || typeof v === 'number') bodyToken ??= String(v);
            delete (body as Record<string, unknown>)[f];
          }
        }
      }
      const ctx: ParseContext = { source: sourceName, config: source, headers: req.headers, query: req.query, raw: req.raw, clock: this.deps.clock };
      const formatAuthenticated = format.authenticate?.(body, ctx) ?? false;
      // Objects here are written out rather than spread: on Node 20's V8, `{ ...a, b }` takes a slow
      // path costing microseconds per object, and this runs on every request.
      this.deps.guards.get(sourceName)!.authenticate({ remoteAddress: req.remoteAddress, headers: req.headers, query: req.query, raw: req.raw, bodyToken, formatAuthenticated });
      authenticated = true;
      // Before any format reads it: nothing stored, rendered (a generic payload without a message is
      // shown as JSON) or captured can then hold a token, password or another source's secret.
      if (typeof body === 'string') body = redactText(body, this.secrets);
      else redactValue(body, this.secrets);
      // Most formats parse synchronously: no await (a turn of the microtask queue) for those.
      const parsing = format.parse(body, ctx);
      const parsed = parsing instanceof Promise ? await parsing : parsing;
      const dedupKey = parsed.dedupKey;
      const notice = toNotice(parsed, sourceName, source.format);
      const answer = await this.commit(notice, dedupKey ?? this.deps.guards.get(sourceName)!.deliveryId(req) ?? req.idempotencyKey, undefined, { source, req, body });
      outcome = `${answer.duplicate ? 'duplicate of' : 'accepted'} ${answer.id}`;
      return answer;
    } catch (e) {
      const err = toHttpError(e);
      outcome = `${err.status} ${err.message}`;
      // Rejected payloads are kept too (what a user needs to see when a new sender fails), but only
      // from a sender that proved itself: strangers must not push real payloads out of the captures.
      if (authenticated && err.status !== 503) void this.captureRejected(sourceName, source, req, outcome);
      throw err;
    }
  }

  /**
   * Runs a captured payload again from the format parser on (`hookbot replay`). Its secrets were
   * redacted, so the guard is skipped; its dedup key is dropped, since a replay is meant to be sent
   * again. With `dryRun`, returns what would be sent, to whom, and stores nothing.
   */
  async replayCapture(sourceName: string, c: Capture, dryRun: boolean, render: (n: Notice) => string): Promise<string> {
    const source = this.source(sourceName);
    if (!source) throw new Error(`no source '${sourceName}' is configured`);
    const format = this.deps.formats[source.format]!;
    try {
      const body = parseJson(Buffer.from(c.body, 'utf8'));
      if (body && typeof body === 'object' && !Array.isArray(body)) for (const f of format.tokenFields ?? []) delete (body as Record<string, unknown>)[f];
      const ctx: ParseContext = { source: sourceName, config: source, headers: c.headers, query: c.query, raw: Buffer.from(c.body, 'utf8'), clock: this.deps.clock };
      const notice = toNotice(await format.parse(body, ctx), sourceName, source.format);
      if (dryRun) {
        const plan = this.deps.router.plan(notice, source, await this.activeMutes(), { strict: source.strictTargets === true });
        const targets = plan.deliveries.map((d) => d.target + (d.muted ? ' (muted)' : ''));
        const notes = plan.warnings.map((w) => targetNote(w, source.locale));
        return `to ${targets.join(', ')}\n${render({ ...notice, notes: notes.length ? notes : undefined, id: 'dry-run' })}`;
      }
      const answer = await this.commit(notice, undefined);
      return `accepted ${answer.id} → ${answer.deliveries.map((d) => d.target).join(', ')}`;
    } catch (e) {
      throw new Error(toHttpError(e).message);
    }
  }

  /**
   * Routes and commits a notice (webhooks, the `test` command, replays). A bad target in a payload
   * is left out with a warning (in the answer, and as a line in the message) unless the source
   * sets `strictTargets`; targets a person typed (`test <target>`) are always strict.
   */
  async commit(
    notice: Omit<Notice, 'id'>,
    dedupKey: string | undefined,
    override?: { to?: string[]; toGroup?: string[] },
    capture?: { source: SourceConfig; req: IncomingHook; body: unknown },
  ): Promise<Answer> {
    const source = this.source(notice.source);
    const mutes = this.readMutes(this.deps.clock.now()) ?? (await this.activeMutes());
    const { deliveries, warnings } = this.deps.router.plan(notice, source, mutes, { override, strict: override !== undefined || source?.strictTargets === true });
    if (warnings.length) notice = { ...notice, notes: [...(notice.notes ?? []), ...warnings.map((w) => targetNote(w, source?.locale))] };
    const id = newEventId(this.deps.clock.now());
    if (capture && this.deps.forwardsRaw && deliveries.some((d) => this.deps.forwardsRaw!(d.bot))) notice.raw = capture.body;
    // The outcome names the event, so the dashboard shows an event with the payload it came from.
    const cap = capture && capture.source.capture > 0 ? this.captureOf(notice.source, capture.source, capture.req, `accepted ${id}`) : undefined;
    const answer = await this.deps.store.ingest({ id, source: notice.source, dedupKey, notice, deliveries, capture: cap && { ...cap, keep: capture!.source.capture } });
    if (!answer.duplicate) this.deps.onCommitted?.();
    return warnings.length ? { ...answer, warnings } : answer;
  }

  private captureOf(sourceName: string, source: SourceConfig, req: IncomingHook, outcome: string): Omit<Capture, 'id'> {
    const r = redactPayload(source, { headers: req.headers, query: req.query, body: req.raw }, { secrets: this.secrets });
    return { source: sourceName, at: this.deps.clock.now(), headers: r.headers, query: r.query, body: r.body, outcome };
  }

  private async captureRejected(sourceName: string, source: SourceConfig, req: IncomingHook, outcome: string) {
    try {
      if (source.capture > 0) await this.deps.store.capture(this.captureOf(sourceName, source, req, outcome), source.capture);
    } catch (e) {
      this.deps.logger.warn({ err: String(e) }, 'could not keep the rejected payload');
    }
  }

  private async activeMutes(): Promise<Mute[]> {
    const now = this.deps.clock.now();
    // One read for every notice that comes while it is under way, not one each (under load, a burst
    // of queries every second that holds up the commits waiting for a pooled connection).
    if (now - this.mutes.at > MUTE_CACHE_MS) {
      const read: { at: number; list: Promise<Mute[]>; value?: Mute[] } = { at: now, list: this.deps.store.activeMutes(now) };
      this.mutes = read;
      read.list.then(
        (value) => {
          read.value = value;
        },
        // A read that failed is not kept: the next notice tries again.
        () => {
          if (this.mutes === read) this.mutes = { at: -Infinity, list: read.list };
        },
      );
    }
    return inForce(await this.mutes.list, now);
  }

  /** The mutes in force from the last read when it is recent and in: undefined otherwise. */
  private readMutes(now: number): Mute[] | undefined {
    const m = this.mutes;
    return m.value !== undefined && now - m.at <= MUTE_CACHE_MS ? inForce(m.value, now) : undefined;
  }

  /** Mutes changed (a chat command): read them again on the next notice. */
  mutesChanged(): void {
    this.mutes.at = -Infinity;
  }
}

function inForce(mutes: Mute[], now: number): Mute[] {
  return mutes.length === 0 ? mutes : mutes.filter((m) => m.until > now);
}

/** The parsed payload as a Notice of its source: the dedup key is the store's, not part of it. */
function toNotice(parsed: ParsedNotice, source: string, format: string): Omit<Notice, 'id'> {
  const notice = parsed as Omit<Notice, 'id'> & { dedupKey?: string };
  notice.source = source;
  notice.format = format;
  // Assigned rather than deleted (a delete turns the object into a slow dictionary); JSON leaves it out.
  notice.dedupKey = undefined;
  return notice;
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') throw new PayloadError('the body is empty: send a JSON object');
  // Only a decoder that refuses tells bad bytes apart from a U+FFFD the sender really sent.
  if (text.includes('\uFFFD') && !isUtf8(raw)) throw new PayloadError('the body is not valid UTF-8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PayloadError(`the body is not valid JSON: ${(e as Error).message}`);
  }
}

export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof PayloadError) return new HttpError(e.status, e.field ? `${e.field}: ${e.message}` : e.message);
  if (e instanceof z.ZodError) return new HttpError(400, describeZodError(e));
  if (e instanceof TargetError) return new HttpError(400, `bad targets: ${e.problems.join('; ')}`);
  if (e instanceof Error && e.name === 'StoreUnavailable') return new HttpError(503, 'the store is unavailable; try again later', { 'Retry-After': '5' });
  if (e instanceof RangeError && /Maximum call stack/.test(e.message)) return new HttpError(400, 'the body is nested too deeply');
  throw e;
}

/**
 * The answer to give for any error of a request: its own HTTP error, or a 500 that says nothing
 * to the client while the logger gets the error (every front door — Koa, the lean webhook route,
 * webhook WebSockets — answers the same way).
 */
export function answerFor(e: unknown, logger: Logger, context: Record<string, unknown>, what: string): HttpError {
  try {
    return toHttpError(e);
  } catch {
    logger.error({ err: e, ...context }, what);
    return new HttpError(500, 'internal error');
  }
}

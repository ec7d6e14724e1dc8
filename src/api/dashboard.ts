// What the dashboard shows through /api/v1: status, events (filtered, newest first) with their
// notice, deliveries and redacted payload, dead letters and retries, bots with their health and the
// target strings to use, a test notice to any target, and captured payloads replayed as a dry run.
import * as z from 'zod';
import type { BotAdapter } from '../bot.js';
import type { Clock } from '../clock.js';
import { HttpError } from '../http/errors.js';
import { LEVELS, type Notice } from '../notice.js';
import { plainText } from '../render/markup.js';
import type { LiveConfig } from '../runtime/live.js';
import type { EventQuery } from '../store/event-query.js';
import { DELIVERY_STATES, type Store } from '../store/store.js';
import type { Auditor } from './audit.js';
import { previewFor, type PreviewFn } from '../preview.js';
import type { Locale } from '../render/render.js';
import { param, queryString, type ApiBuilder } from './define.js';
import type { Capabilities } from '../bot.js';
import { botTargets } from './bot-targets.js';

export interface DashboardDeps {
  store: Store;
  events: EventQuery;
  live: LiveConfig;
  bots: Map<string, BotAdapter>;
  clock: Clock;
  version: string;
  startedAt: number;
  audit: Auditor;
  /** The worker looks at once (after a retry or a test notice). */
  kick: () => void;
  /** Each platform's own preview (bots/previews.ts); a platform without one shows plain text. */
  previews: Record<string, () => Promise<PreviewFn>>;
  /** A platform's declared capabilities (whether a target names a chat, threads, commands). */
  capabilities: (platform: string) => Capabilities | undefined;
}

const summary = z.object({ id: z.string(), source: z.string(), event: z.string(), level: z.string(), title: z.string().optional(), createdAt: z.number() });
const delivery = z.object({ id: z.number(), eventId: z.string(), bot: z.string(), chat: z.string(), thread: z.string().optional(), kind: z.string(), target: z.string(), state: z.enum(DELIVERY_STATES), attempts: z.number(), nextAt: z.number(), lastError: z.string().optional(), createdAt: z.number(), updatedAt: z.number() }).passthrough();
const capture = z.object({ id: z.number(), source: z.string(), at: z.number(), headers: z.record(z.string(), z.string()), query: z.record(z.string(), z.string()), body: z.string(), outcome: z.string() });

function count(v: string | undefined, def: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HttpError(400, `n must be a whole number from 1 to ${max}`);
  return n;
}

export function dashboardRoutes(api: ApiBuilder, d: DashboardDeps): void {
  api.add({ method: 'get', path: '/status', tag: 'dashboard', summary: 'Version, uptime, deliveries by state, the last event of each source, each bot\'s health', response: z.object({ version: z.string(), uptimeSeconds: z.number(), deliveries: z.record(z.string(), z.number()), lastEvents: z.array(summary), bots: z.record(z.string(), z.object({ platform: z.string(), state: z.string() }).passthrough()) }) }, async () => ({
    version: d.version,
    uptimeSeconds: Math.round((d.clock.now() - d.startedAt) / 1000),
    deliveries: await d.store.countByState(),
    lastEvents: await d.store.lastEventPerSource(),
    bots: Object.fromEntries([...d.bots].map(([id, b]) => [id, { platform: b.platform, ...b.health() }])),
  }));

  api.add({ method: 'get', path: '/events', tag: 'dashboard', summary: 'Events, newest first, filtered; page with before=<createdAt of the last one>', query: z.object({ source: z.string().optional(), event: z.string().optional(), level: z.enum(LEVELS).optional(), q: z.string().optional(), before: z.string().optional(), n: z.string().optional() }), response: z.array(summary), errors: { 400: 'a bad filter' } }, async (ctx) => {
    const level = queryString(ctx, 'level');
    if (level && !(LEVELS as readonly string[]).includes(level)) throw new HttpError(400, `level must be one of ${LEVELS.join(', ')}`);
    const before = queryString(ctx, 'before');
    if (before !== undefined && !/^\d+$/.test(before)) throw new HttpError(400, 'before must be a time in milliseconds (an event\'s createdAt)');
    return d.events.searchEvents({ source: queryString(ctx, 'source'), event: queryString(ctx, 'event'), level, text: queryString(ctx, 'q'), before: before === undefined ? undefined : Number(before), limit: count(queryString(ctx, 'n'), 50, 500) });
  });

  api.add({ method: 'get', path: '/events/:id', tag: 'dashboard', summary: 'One event: its notice, its deliveries, and the payload it came with (secrets redacted)', response: z.object({ id: z.string(), notice: z.unknown(), deliveries: z.array(delivery), payload: capture.optional() }), errors: { 404: 'no such event (or forgotten after store.retention)' } }, async (ctx) => {
    const id = param(ctx, 'id');
    const notice = await d.store.getNotice(id);
    if (!notice) throw new HttpError(404, `no event '${id}' (events are forgotten after store.retention)`);
    return { id, notice, deliveries: await d.store.deliveriesOf(id), payload: await d.events.captureOf(id) };
  });

  api.add({ method: 'get', path: '/deliveries/dead', tag: 'dashboard', summary: 'Dead letters: deliveries that failed for good, with the reason', query: z.object({ n: z.string().optional() }), response: z.array(delivery) }, async (ctx) => d.store.failed(count(queryString(ctx, 'n'), 50, 500)));

  api.add({ method: 'post', path: '/deliveries/:id/retry', tag: 'dashboard', summary: "Send a dead delivery again ('all' for every one)", response: z.object({ retried: z.number() }), errors: { 400: 'not a delivery id' } }, async (ctx) => {
    const raw = param(ctx, 'id');
    const target = raw === 'all' ? 'all' : Number(raw);
    if (target !== 'all' && !Number.isInteger(target)) throw new HttpError(400, `'${raw}' is not a delivery id: give a number or 'all'`);
    const n = await d.store.retry(target, d.clock.now());
    if (n > 0) d.kick();
    await d.audit(ctx, `POST /api/v1/deliveries/${raw}/retry`, raw, 'ok', `${n} retried`);
    return { retried: n };
  });

  api.add({ method: 'get', path: '/bots', tag: 'dashboard', summary: 'Each bot: platform, health, and the target strings that reach it', response: z.array(z.object({ id: z.string(), platform: z.string(), health: z.object({ state: z.string() }).passthrough(), targets: z.array(z.object({ name: z.string(), target: z.string() })), pattern: z.string() })) }, async () => {
    const c = d.live.current.config;
    // Names that lead to a bot: what a user can type in a payload or route.
    const named = [{ name: 'superusers', targets: c.superusers }, ...Object.entries(c.people).map(([name, targets]) => ({ name, targets })), ...Object.entries(c.groups).map(([name, targets]) => ({ name, targets }))];
    return [...d.bots].map(([id, b]) => ({ id, platform: b.platform, health: b.health(), ...botTargets(id, d.capabilities(b.platform), named) }));
  });

  const testBody = z.strictObject({ target: z.string().min(1), user: z.boolean().optional(), text: z.string().max(2000).optional() });
  api.add({ method: 'post', path: '/test', tag: 'dashboard', summary: 'Send a test notice through the whole pipeline to any target (a people/groups name or <bot>:<chat>)', body: testBody, response: z.object({ id: z.string(), deliveries: z.array(z.object({ id: z.number(), target: z.string(), state: z.string() })) }), status: 202, errors: { 400: 'a bad target' } }, async (ctx, body) => {
    const p = testBody.safeParse(body);
    if (!p.success) throw new HttpError(400, p.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const notice: Omit<Notice, 'id'> = { source: 'hookbot', format: 'command', event: 'notify.test', level: 'info', title: 'hookbot test', text: p.data.text ?? 'This is a test notification, sent from the management API.', time: new Date(d.clock.now()).toISOString(), vars: {} };
    const answer = await d.live.ingest.commit(notice, undefined, p.data.user ? { to: [p.data.target] } : { toGroup: [p.data.target] });
    await d.audit(ctx, 'POST /api/v1/test', p.data.target, 'ok', answer.id);
    return { id: answer.id, deliveries: answer.deliveries };
  });

  api.add({ method: 'get', path: '/captures', tag: 'dashboard', summary: "A source's last captured payloads, newest first (secrets redacted when captured)", query: z.object({ source: z.string(), n: z.string().optional() }), response: z.array(capture), errors: { 400: 'no source given' } }, async (ctx) => {
    const source = queryString(ctx, 'source');
    if (!source) throw new HttpError(400, 'source is required: GET /api/v1/captures?source=<name>');
    return d.store.captures(source, count(queryString(ctx, 'n'), 20, 1000));
  });

  api.add({ method: 'post', path: '/captures/:id/replay', tag: 'dashboard', summary: 'What a captured payload becomes now: targets and the rendered message; nothing is stored or sent', response: z.object({ result: z.string() }), errors: { 404: 'no such capture', 422: 'the payload is refused now (the reason is given)' } }, async (ctx) => {
    const id = Number(param(ctx, 'id'));
    const c = Number.isInteger(id) ? await d.events.capture(id) : undefined;
    if (!c) throw new HttpError(404, `no capture '${param(ctx, 'id')}': list them with GET /api/v1/captures?source=<name>`);
    const { ingest, renderer } = d.live.current;
    if (!ingest.source(c.source)) throw new HttpError(404, `source '${c.source}' is no longer configured`);
    try {
      const result = await ingest.replayCapture(c.source, c, true, (n) => {
        const m = renderer.render(n);
        return [m.title, plainText(m.body), ...m.fields.map((f) => `${f.name}: ${f.value}`)].filter(Boolean).join('\n');
      });
      return { result };
    } catch (e) {
      throw new HttpError(422, (e as Error).message);
    }
  });

  api.add({ method: 'get', path: '/activity', tag: 'dashboard', summary: 'Webhooks received and deliveries sent per minute over the last hours (the chart)', query: z.object({ hours: z.string().optional() }), response: z.object({ from: z.number(), bucketMs: z.number(), webhooks: z.array(z.number()), sent: z.array(z.number()) }), errors: { 400: 'hours out of range' } }, async (ctx) => {
    const hours = count(queryString(ctx, 'hours'), 6, 48);
    const now = d.clock.now();
    return d.events.activity(now - hours * 3600_000, now, 60_000);
  });

  api.add({ method: 'get', path: '/events/:id/preview', tag: 'dashboard', summary: 'How each configured bot would show the event: the text or body its platform receives', response: z.array(z.object({ bot: z.string(), platform: z.string(), format: z.string(), text: z.string() })), errors: { 404: 'no such event' } }, async (ctx) => {
    const id = param(ctx, 'id');
    const notice = await d.store.getNotice(id);
    if (!notice) throw new HttpError(404, `no event '${id}' (events are forgotten after store.retention)`);
    const c = d.live.current.config;
    const locale = ((c.sources[notice.source] as { locale?: string } | undefined)?.locale ?? c.locale) as Locale;
    return previewFor(() => d.live.current.renderer.render(notice, { locale }), [...d.bots].map(([id, b]) => [id, { platform: b.platform }] as [string, { platform: string }]), d.previews);
  });
}

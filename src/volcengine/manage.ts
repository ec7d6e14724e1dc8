// Registering hookbot as a Volcengine Live callback receiver, per source: register, describe,
// delete, rotate. UpdateCallback replaces a whole config, so each write reads first and keeps the
// other receivers' URLs (reference/volcengine-openapi.md §4.1, §7).
import type { CallbackItem, CallbackScope, MessageType, VolcClient } from './client.js';
import { MESSAGE_TYPES } from './client.js';
import { newAuthKey, type KeyRing } from './keyring.js';
import { VolcUsageError } from './errors.js';

/** The message types hookbot understands and registers by default. */
export const DEFAULT_TYPES: MessageType[] = ['push', 'push_end', 'record', 'snapshot'];
const MAX_URL = 100;

export interface Target {
  /** The push domain (sent as Vhost, or as Domain with `byDomain`). */
  domain: string;
  app?: string;
  /** Send `Domain` rather than `Vhost` (no app then). */
  byDomain?: boolean;
  types?: MessageType[];
}

export interface ManageDeps {
  client: VolcClient;
  keyring: KeyRing;
  /** hookbot's URL for a source, as Volcengine must call it. */
  callbackUrl(source: string): string;
  /** Waits until every instance accepts newly stored keys (they re-read the store on a short poll). */
  settle?: () => Promise<void>;
  /**
   * The keys the running server checks this source's callbacks with now (the server only; the CLI
   * cannot see the server's memory). Read after `settle`, to confirm before Volcengine signs with a key.
   */
  acceptedKeys?: (source: string) => string[] | undefined;
  by: string;
}

export interface CallbackView {
  messageType: string;
  app: string;
  urls: string[];
  authEnable: boolean;
  /** AuthKeyPrimary, never shown: only whether it is one of this source's keys. */
  keyIsOurs: boolean;
  pointsHere: boolean;
  createdAt?: string;
}

export function scopeOf(t: Target): CallbackScope {
  if (t.byDomain && t.app) throw new VolcUsageError('--app cannot be given with --by-domain: Volcengine takes App only with a Vhost');
  return t.byDomain ? { Domain: t.domain } : { Vhost: t.domain, ...(t.app ? { App: t.app } : {}) };
}

export function checkTypes(types: string[]): MessageType[] {
  for (const t of types) if (!(MESSAGE_TYPES as readonly string[]).includes(t)) throw new VolcUsageError(`unknown message type '${t}': use ${MESSAGE_TYPES.join(', ')}`);
  return types as MessageType[];
}

function urlFor(deps: ManageDeps, source: string): string {
  const url = deps.callbackUrl(source);
  if (url.length > MAX_URL) throw new VolcUsageError(`the callback URL ${url} is ${url.length} characters; Volcengine allows ${MAX_URL}: use a shorter --public-url or source name`);
  return url;
}

/** Points each message type of the domain at this source, signed with the source's primary key. */
export async function register(deps: ManageDeps, source: string, t: Target): Promise<CallbackView[]> {
  const url = urlFor(deps, source);
  let keys = await deps.keyring.keys(source);
  if (keys.length === 0) {
    keys = [newAuthKey()];
    await deps.keyring.setKeys(source, keys, deps.by);
    await deps.settle?.();
    confirmAccepted(deps, source, keys);
  }
  await writeAll(deps, source, t, url, keys[0]!, false);
  return describe(deps, source, t);
}

/** What Volcengine holds for the domain, and whether it points at this source. */
export async function describe(deps: ManageDeps, source: string, t: Target): Promise<CallbackView[]> {
  const url = deps.callbackUrl(source);
  const keys = await deps.keyring.keys(source);
  const items = await deps.client.describeCallback(scopeOf(t));
  return items.map((i) => view(i, url, keys)).sort((a, b) => a.messageType.localeCompare(b.messageType));
}

/** Takes this source's URL out of each type; a config left with no URL is deleted. */
export async function remove(deps: ManageDeps, source: string, t: Target): Promise<string[]> {
  const url = deps.callbackUrl(source);
  const scope = scopeOf(t);
  const removed: string[] = [];
  for (const type of t.types ?? DEFAULT_TYPES) {
    const [cur] = await deps.client.describeCallback({ ...scope, MessageType: type });
    if (!cur || !cur.CallbackDetailList.some((d) => d.URL === url)) continue;
    const rest = cur.CallbackDetailList.filter((d) => d.URL !== url);
    if (rest.length) await deps.client.updateCallback({ ...scope, MessageType: type, CallbackDetailList: rest, AuthEnable: cur.AuthEnable, ...(cur.AuthEnable ? { AuthKeyPrimary: cur.AuthKeyPrimary } : {}), TranscodeCallback: cur.TranscodeCallback });
    else await deps.client.deleteCallback({ ...scope, MessageType: type });
    removed.push(type);
  }
  return removed;
}

/**
 * A new primary key without refusing a callback: the old primary becomes the secondary and the new
 * one is stored before it (so every instance accepts both), confirmed accepted, and only then
 * registered, type by type; the old key stays accepted after the last UpdateCallback, for callbacks
 * Volcengine signed with it before and still retries.
 */
export async function rotate(deps: ManageDeps, source: string, t: Target): Promise<CallbackView[]> {
  const url = urlFor(deps, source);
  const old = await deps.keyring.keys(source);
  const inUse = (await deps.client.describeCallback(scopeOf(t))).filter((i) => i.CallbackDetailList.some((d) => d.URL === url)).map((i) => i.AuthKeyPrimary);
  const fresh = newAuthKey();
  // Keys Volcengine still signs with (a rotation cut short) stay accepted too.
  const keep = [...new Set([old[0], ...old.filter((k) => inUse.includes(k))].filter((k): k is string => Boolean(k)))];
  await deps.keyring.setKeys(source, [fresh, ...keep], deps.by);
  await deps.settle?.();
  confirmAccepted(deps, source, [fresh, ...keep]);
  await writeAll(deps, source, t, url, fresh, true);
  return describe(deps, source, t);
}

/** Nothing is registered with a key this server does not accept yet (a stored config that did not compile, say). */
function confirmAccepted(deps: ManageDeps, source: string, keys: string[]) {
  const accepted = deps.acceptedKeys?.(source);
  if (accepted && !keys.every((k) => accepted.includes(k))) {
    throw new VolcUsageError(`the running configuration did not take the new key of source '${source}' (see the log for why the stored configuration was refused); nothing was changed on Volcengine: fix that and rotate again`);
  }
}

async function writeAll(deps: ManageDeps, source: string, t: Target, url: string, key: string, onlyExisting: boolean) {
  const scope = scopeOf(t);
  for (const type of t.types ?? DEFAULT_TYPES) {
    const [cur] = await deps.client.describeCallback({ ...scope, MessageType: type });
    if (onlyExisting && !cur?.CallbackDetailList.some((d) => d.URL === url)) continue;
    const others = (cur?.CallbackDetailList ?? []).filter((d) => d.URL !== url);
    await deps.client.updateCallback({ ...scope, MessageType: type, CallbackDetailList: [{ CallbackType: 'http', URL: url }, ...others], AuthEnable: true, AuthKeyPrimary: key, TranscodeCallback: cur?.TranscodeCallback ?? 0 });
  }
}

function view(i: CallbackItem, url: string, keys: string[]): CallbackView {
  const urls = i.CallbackDetailList.map((d) => d.URL);
  return { messageType: i.MessageType, app: i.App ?? '', urls, authEnable: i.AuthEnable, keyIsOurs: Boolean(i.AuthKeyPrimary && keys.includes(i.AuthKeyPrimary)), pointsHere: urls.includes(url), createdAt: i.CreateTimeUTC };
}

/** One line per config, for the CLI and the chat command. */
export function formatViews(views: CallbackView[], source: string): string {
  if (views.length === 0) return `Volcengine holds no callbacks for this domain: run hookbot volcengine register ${source} --domain …`;
  return views
    .map((v) => `${v.messageType}${v.app ? ` (app ${v.app})` : ''}: ${v.pointsHere ? 'points at this hookbot' : 'does NOT point at this hookbot'}; ${v.authEnable ? (v.keyIsOurs ? 'signed with our key' : 'signed with a key we do not have') : 'unsigned'}; ${v.urls.join(', ')}`)
    .join('\n');
}

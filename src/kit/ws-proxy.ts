// Proxies the `ws` sockets of a library that builds its WebSocket itself and takes no agent.
// @discordjs/ws (the Discord gateway) is one: it reads `require('ws').WebSocket` once, when it
// loads, and opens every shard with `new WebSocket(url, [], { handshakeTimeout })` — no agent option
// upstream (discordjs/discord.js#10716). So, before such a library is loaded, `ws`'s `WebSocket`
// export is replaced by a subclass that adds the agent of the current proxy context, and the caller
// connects inside that context (`withWsAgent`); the library's reconnections, started from its own
// socket and timer callbacks, stay in it. Outside a context, or when the caller passes its own agent,
// a socket is opened exactly as before: other `ws` clients are untouched.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Agent } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const context = new AsyncLocalStorage<Agent | undefined>();
const PATCHED = Symbol.for('hookbot.ws-proxy');
const loadedHere = new Set<string>();

// any[]: the type a class must have for TypeScript to let it be extended.
type WsConstructor = new (...args: any[]) => object;

/** Runs `fn` so that the `ws` sockets a patched library opens from it (now or later) use `agent`. */
export function withWsAgent<T>(agent: Agent | undefined, fn: () => T): T {
  return context.run(agent, fn);
}

/** Runs `fn` outside any proxy context (event handlers that must not pass the gateway's agent on). */
export function withoutWsAgent<T>(fn: () => T): T {
  return context.exit(fn);
}

/** Replaces `wsExports.WebSocket` by the subclass that takes the context's agent; once per copy of `ws`. */
export function patchWs(wsExports: { WebSocket: WsConstructor }): void {
  if ((wsExports as Record<symbol, unknown>)[PATCHED]) return;
  const Base = wsExports.WebSocket;
  class ProxiedWebSocket extends Base {
    constructor(address: unknown, protocols?: unknown, options?: Record<string, unknown>) {
      // `address` is null for the server side of a connection; `ws` also takes (address, options).
      const agent = address == null ? undefined : context.getStore();
      if (agent && protocols !== null && typeof protocols === 'object' && !Array.isArray(protocols)) [protocols, options] = [[], protocols as Record<string, unknown>];
      super(address, protocols, agent && !options?.agent ? { ...options, agent } : options);
    }
  }
  wsExports.WebSocket = ProxiedWebSocket;
  Object.defineProperty(wsExports, PATCHED, { value: true });
}

/**
 * Loads the CommonJS build of library `id` with its `ws` patched first. It must be the first to
 * load it: a copy loaded earlier kept the unpatched constructor, so this fails instead of letting
 * that library connect around the proxy unnoticed.
 */
export function requireWithWsProxy<T>(id: string): T {
  const path = require.resolve(id);
  if (require.cache[path] && !loadedHere.has(path)) {
    throw new Error(`${id} was loaded before the ws proxy was installed: its WebSockets would not use the configured proxy`);
  }
  // The `ws` that library resolves, which may be its own copy.
  patchWs(createRequire(path)('ws'));
  loadedHere.add(path);
  return require(id) as T;
}

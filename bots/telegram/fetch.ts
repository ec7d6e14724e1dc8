// How grammY reaches the Bot API: the kit's client (node:http on a keep-alive agent, or the bot's
// proxy), given to grammY as its `fetch`. grammY's default, node-fetch on node:http, costs about
// twice the CPU per call (its Request, Headers and body streams around Node's own HTTP client), and
// a delivery is one call. grammY reads the answer's status and JSON.
import type { ApiClientOptions } from 'grammy';
import { httpClient, type HttpInit } from '../../src/kit/http-client.js';

type GrammyFetch = NonNullable<ApiClientOptions['fetch']>;

/** A `fetch` for grammY with connections of its own, through `proxy` when there is one. */
export function botApiFetch(proxy?: string): GrammyFetch {
  const client = httpClient({ proxy });
  // grammY's signal is its abort-controller polyfill's: the client takes any such EventTarget.
  return ((url: string, init?: HttpInit) => client(url, init)) as unknown as GrammyFetch;
}

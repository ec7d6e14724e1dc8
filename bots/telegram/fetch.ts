// How grammY reaches the Bot API: undici's request() on a keep-alive pool, given to grammY as its
// `fetch`. grammY's default, node-fetch on node:http, costs about twice the CPU per call (its
// Request, Headers and body streams around Node's own HTTP client), and a delivery is one call.
// grammY only reads the answer's JSON, so that is all the answer offers.
import { Agent, request, type Dispatcher } from 'undici';
import type { ApiClientOptions } from 'grammy';

type GrammyFetch = NonNullable<ApiClientOptions['fetch']>;
type Init = { method?: string; headers?: Record<string, string>; body?: string | NodeJS.ReadableStream; signal?: unknown };

/** A `fetch` for grammY over `dispatcher` (a proxy's, or a keep-alive pool of its own). */
export function botApiFetch(dispatcher: Dispatcher = new Agent()): GrammyFetch {
  const call = async (url: string, init: Init = {}) => {
    const res = await request(url, {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: init.headers,
      body: init.body as Dispatcher.DispatchOptions['body'],
      // grammY's signal is its abort-controller polyfill's: undici takes any EventTarget.
      signal: init.signal as Dispatcher.RequestOptions['signal'],
      dispatcher,
    });
    return { status: res.statusCode, json: () => res.body.json() };
  };
  return call as unknown as GrammyFetch;
}

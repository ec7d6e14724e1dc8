// The webhook route's admission limit (src/http/admission.ts): in a burst only `webhookConcurrency`
// requests are in the store hand-off at once, the others wait unread on their connections, in
// arrival order, and every one of them gets its 202.
import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hookRoute } from '../../../src/http/hooks.js';
import { Admission } from '../../../src/http/admission.js';
import type { Config } from '../../../src/config.js';
import type { Ingest } from '../../../src/ingest.js';
import { createLogger } from '../../../src/log.js';

let server: Server | undefined;
afterEach(async () => {
  // A failed test leaves requests waiting: cut them, or close would wait for them.
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A promise with its resolver, to be released by the test. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** An Ingest whose commits wait until the test releases them, counting how many are under way. */
function heldIngest(expected: number) {
  const arrived = deferred();
  const held: { body: string; commit: ReturnType<typeof deferred<void>> }[] = [];
  let waiters: (() => void)[] = [];
  const state = { arrivals: 0, inFlight: 0, maxInFlight: 0 };
  const ingest = {
    source: (name: string) => (name === 'report' ? { format: 'report' } : undefined),
    acceptedStatus: () => 202,
    admit: () => {
      if (++state.arrivals === expected) arrived.resolve();
    },
    async receive(_name: string, hook: { raw: Buffer }) {
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      const commit = deferred<void>();
      held.push({ body: hook.raw.toString(), commit });
      for (const w of waiters) w();
      waiters = [];
      await commit.promise;
      state.inFlight--;
      return { id: `evt_${hook.raw.toString()}`, deliveries: [], duplicate: false };
    },
  };
  /** Resolves once `n` commits have been handed to the store. */
  const handedOff = async (n: number) => {
    while (held.length < n) await new Promise<void>((r) => waiters.push(r));
  };
  return { ingest: ingest as unknown as Ingest, state, held, arrived: arrived.promise, handedOff };
}

async function listen(ingest: Ingest, webhookConcurrency: number): Promise<number> {
  const config = { server: { bodyLimit: 1024, webhookConcurrency }, sources: { report: { format: 'report' } } } as unknown as Config;
  const route = hookRoute({ config, ingest, logger: createLogger('silent') });
  server = createServer((req, res) => {
    if (!route(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server!.address() as AddressInfo).port;
}

/** A route admitting `webhookConcurrency` at a time over a held store expecting `expected` requests, and a client without keep-alive. */
async function serve(expected: number, webhookConcurrency: number) {
  const h = heldIngest(expected);
  const port = await listen(h.ingest, webhookConcurrency);
  return { h, port, agent: new Agent({ keepAlive: false, maxSockets: Infinity }) };
}

function post(port: number, agent: Agent, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/report', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the webhook admission limit', () => {
  it('hands at most N requests to the store at once, the rest in arrival order, and answers all 202', async () => {
    const N = 3;
    const TOTAL = 12;
    const { h, port, agent } = await serve(TOTAL, N);
    const answers = Array.from({ length: TOTAL }, (_, i) => post(port, agent, String(i)));
    // Every request is connected and past the cheap checks, and the first N are with the store.
    await h.arrived;
    await h.handedOff(N);
    expect(h.state.inFlight).toBe(N);
    // Each commit released lets exactly one more in.
    for (let i = 0; i < TOTAL; i++) {
      await h.handedOff(Math.min(TOTAL, i + N));
      h.held[i]!.commit.resolve();
    }
    const done = await Promise.all(answers);
    expect(done.map((a) => a.status)).toEqual(Array(TOTAL).fill(202));
    expect(h.state.maxInFlight).toBe(N);
    agent.destroy();
  });

  it('lets the next one in when a waiting client has gone away', async () => {
    const { h, port, agent } = await serve(2, 1);
    const first = post(port, agent, 'first');
    await h.handedOff(1);
    // The second waits for its turn, then its client hangs up.
    const gone = request({ host: '127.0.0.1', port, method: 'POST', path: '/report', agent, headers: { 'content-type': 'application/json' } });
    gone.on('error', () => {});
    const closed = new Promise<void>((r) => server!.once('request', (req) => req.socket.once('close', () => r())));
    gone.end('gone');
    await h.arrived;
    gone.destroy();
    await closed;
    const third = post(port, agent, 'third');
    h.held[0]!.commit.resolve();
    await h.handedOff(2);
    expect(h.held.map((x) => x.body)).toEqual(['first', 'third']);
    h.held[1]!.commit.resolve();
    expect((await first).status).toBe(202);
    expect((await third).status).toBe(202);
    agent.destroy();
  });
  it('refuses a declared body over the limit at once, without waiting for a turn', async () => {
    const { h, port, agent } = await serve(2, 1);
    const first = post(port, agent, 'first');
    await h.handedOff(1);
    // The only slot is held: the oversized request is answered while the first is still with the store.
    expect((await post(port, agent, 'x'.repeat(2048))).status).toBe(413);
    expect(h.state.inFlight).toBe(1);
    h.held[0]!.commit.resolve();
    expect((await first).status).toBe(202);
    agent.destroy();
  });
});

describe('Admission', () => {
  it('passes slots on in FIFO order and frees them when nobody waits', async () => {
    const a = new Admission(2);
    expect(a.acquire()).toBeUndefined();
    expect(a.acquire()).toBeUndefined();
    const order: number[] = [];
    const waits = [1, 2, 3].map((i) => a.acquire()!.then(() => order.push(i)));
    expect(a.counts).toEqual({ active: 2, waiting: 3 });
    a.release();
    a.release();
    a.release();
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
    expect(a.counts).toEqual({ active: 2, waiting: 0 });
    a.release();
    a.release();
    expect(a.counts).toEqual({ active: 0, waiting: 0 });
  });
});

// The HTTP interactions endpoint (for users who run no gateway): POST /discord/interactions on hookbot's
// own server. Signature checked on the raw bytes, PING → PONG, commands answered in the response body.
// A refusal is an HttpError, answered ({"error": …}) and logged ("request refused") by the server
// like every other refusal, so a wrong public key shows in the log.
import type { KeyObject } from 'node:crypto';
import type { Middleware } from 'koa';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import type { Clock } from '../../src/clock.js';
import { HttpError } from '../../src/http/errors.js';
import { verifyInteraction } from './signature.js';

/** Signatures older or newer than this are refused, so a captured request cannot be replayed later. */
const MAX_SKEW_S = 300;

export type InteractionRunner = (i: APIInteraction, respond: (body: APIInteractionResponse) => void) => Promise<void>;

export function interactionsEndpoint(key: KeyObject, clock: Clock, run: InteractionRunner, onError: (e: unknown) => void): Middleware {
  return async (ctx) => {
    const raw: Buffer | undefined = ctx.state.rawBody;
    const ts = ctx.get('x-signature-timestamp');
    const fresh = /^\d+$/.test(ts) && Math.abs(clock.now() / 1000 - Number(ts)) <= MAX_SKEW_S;
    if (!raw || !fresh || !verifyInteraction(key, ctx.get('x-signature-ed25519'), ts, raw)) {
      throw new HttpError(401, 'invalid request signature');
    }
    let i: APIInteraction;
    try {
      i = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    if (i.type === 1) {
      ctx.body = { type: 1 };
      return;
    }
    if (i.type !== 2) throw new HttpError(400, `interaction type ${i.type} is not handled`);
    let resolve!: (b: APIInteractionResponse | undefined) => void;
    const answered = new Promise<APIInteractionResponse | undefined>((r) => (resolve = r));
    run(i, resolve).then(
      () => resolve(undefined),
      (e) => {
        onError(e);
        resolve(undefined);
      },
    );
    const body = await answered;
    if (!body) throw new HttpError(400, 'not a chat input command');
    ctx.type = 'application/json';
    ctx.body = body;
  };
}

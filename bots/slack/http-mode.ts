// Commands in over HTTP mode: Slack posts slash commands (a form), interactions (a form with a JSON
// `payload`) and Events API deliveries (JSON) to a route on hookbot's own server. Every request must
// carry Slack's v0 signature over the raw body, at most five minutes old
// (docs.slack.dev/authentication/verifying-requests-from-slack); the answer to a slash command is the
// response body (docs.slack.dev/interactivity/implementing-slash-commands).
import type { HttpMount } from '../../src/bot.js';
import type { Clock } from '../../src/clock.js';
import { createSignatureVerifier } from '../../src/auth/signature.js';
import { HttpError } from '../../src/http/errors.js';
import { receive, type ReceiverSetup } from './receiver.js';

/** Slack's replay window: requests signed longer ago than this are refused. */
const TOLERANCE_S = 300;

type Parsed = { type: string; body: Record<string, unknown> } | { answer: { body?: unknown } };

function parse(raw: Buffer, contentType: string): Parsed {
  const text = raw.toString('utf8');
  if (contentType.startsWith('application/json')) {
    const body = JSON.parse(text) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'a JSON object was expected');
    const b = body as Record<string, unknown>;
    // Set once, when the Request URL is saved in the app's settings.
    if (b.type === 'url_verification') return { answer: { body: { challenge: b.challenge } } };
    return { type: b.type === 'event_callback' ? 'events_api' : String(b.type), body: b };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(text));
    // Slack checks the certificate of a slash command's URL now and then.
    if (form.ssl_check) return { answer: {} };
    if (form.payload !== undefined) return { type: 'interactive', body: JSON.parse(form.payload) as Record<string, unknown> };
    return { type: 'slash_commands', body: form };
  }
  throw new HttpError(415, 'Slack sends application/x-www-form-urlencoded or application/json');
}

/**
 * The route to mount on hookbot's server. Slack must be able to reach it. A refusal is an HttpError,
 * answered and logged by the server as every other refused request is (`{"error": …}`, masked), so a
 * wrong signing secret shows in the log rather than only in Slack's app settings.
 */
export function httpMode(s: ReceiverSetup, signingSecret: string, path: string, clock: Clock, stopped: () => boolean): HttpMount {
  const verify = createSignatureVerifier({ scheme: 'slack', secret: signingSecret, tolerance: TOLERANCE_S });
  return {
    method: 'POST',
    path,
    handler: async (ctx) => {
      if (stopped()) throw new HttpError(503, 'the Slack bot is stopped');
      const raw = Buffer.isBuffer(ctx.state.rawBody) ? (ctx.state.rawBody as Buffer) : Buffer.alloc(0);
      try {
        verify({ headers: ctx.headers, raw }, clock.now());
      } catch (e) {
        // The reason names headers and the time, never the secret or the expected signature.
        throw new HttpError(401, (e as Error).message);
      }
      let parsed: Parsed;
      try {
        parsed = parse(raw, String(ctx.get('content-type')));
      } catch (e) {
        if (e instanceof HttpError) throw e;
        throw new HttpError(400, 'the body is not valid JSON');
      }
      if ('answer' in parsed) {
        ctx.status = 200;
        ctx.body = parsed.answer.body ?? '';
        return;
      }
      // The response waits for the ack (a slash command's answer), not for the whole handling.
      let answer!: (payload?: Record<string, unknown>) => void;
      const acked = new Promise<Record<string, unknown> | undefined>((r) => (answer = r));
      void receive(s, { ...parsed, ack: async (payload) => answer(payload) }).finally(() => answer(undefined));
      const payload = await acked;
      ctx.status = 200;
      // An empty body, not Koa's "OK": Slack would show a slash command's text answer to the user.
      ctx.body = payload ?? '';
    },
  };
}

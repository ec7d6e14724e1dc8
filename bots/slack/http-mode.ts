// Commands in over HTTP mode: Slack posts slash commands (a form), interactions (a form with a JSON
// `payload`) and Events API deliveries (JSON) to a route on hookbot's own server. Every request must
// carry Slack's v0 signature over the raw body, at most five minutes old
// (docs.slack.dev/authentication/verifying-requests-from-slack); the answer to a slash command is the
// response body (docs.slack.dev/interactivity/implementing-slash-commands).
import type { HttpMount } from '../../src/bot.js';
import type { Clock } from '../../src/clock.js';
import { createSignatureVerifier } from '../../src/auth/signature.js';
import { receive, type ReceiverSetup } from './receiver.js';

/** Slack's replay window: requests signed longer ago than this are refused. */
const TOLERANCE_S = 300;

type Parsed = { type: string; body: Record<string, unknown> } | { answer: { status: number; body?: unknown } };

function parse(raw: Buffer, contentType: string): Parsed {
  const text = raw.toString('utf8');
  if (contentType.startsWith('application/json')) {
    const body = JSON.parse(text) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { answer: { status: 400, body: 'a JSON object was expected' } };
    const b = body as Record<string, unknown>;
    // Set once, when the Request URL is saved in the app's settings.
    if (b.type === 'url_verification') return { answer: { status: 200, body: { challenge: b.challenge } } };
    return { type: b.type === 'event_callback' ? 'events_api' : String(b.type), body: b };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(text));
    // Slack checks the certificate of a slash command's URL now and then.
    if (form.ssl_check) return { answer: { status: 200 } };
    if (form.payload !== undefined) return { type: 'interactive', body: JSON.parse(form.payload) as Record<string, unknown> };
    return { type: 'slash_commands', body: form };
  }
  return { answer: { status: 415, body: 'Slack sends application/x-www-form-urlencoded or application/json' } };
}

/** The route to mount on hookbot's server. Slack must be able to reach it. */
export function httpMode(s: ReceiverSetup, signingSecret: string, path: string, clock: Clock, stopped: () => boolean): HttpMount {
  const verify = createSignatureVerifier({ scheme: 'slack', secret: signingSecret, tolerance: TOLERANCE_S });
  return {
    method: 'POST',
    path,
    handler: async (ctx) => {
      if (stopped()) {
        ctx.status = 503;
        return;
      }
      const raw = Buffer.isBuffer(ctx.state.rawBody) ? (ctx.state.rawBody as Buffer) : Buffer.alloc(0);
      try {
        verify({ headers: ctx.headers, raw }, clock.now());
      } catch (e) {
        // The reason names headers and the time, never the secret or the expected signature.
        ctx.status = 401;
        ctx.body = (e as Error).message;
        return;
      }
      let parsed: Parsed;
      try {
        parsed = parse(raw, String(ctx.get('content-type')));
      } catch {
        ctx.status = 400;
        ctx.body = 'the body is not valid JSON';
        return;
      }
      if ('answer' in parsed) {
        ctx.status = parsed.answer.status;
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

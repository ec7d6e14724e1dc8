// What an outbound webhook POSTs: the sender's raw payload (default), hookbot's notice as JSON, or a
// Liquid template rendered with the notice (its fields and the format's vars, as message templates see them).
import { Liquid } from 'liquidjs';
import type { Message } from '../../src/message.js';
import type { Notice } from '../../src/notice.js';

export type BodyMode = 'raw' | 'notice' | { template: string };

const liquid = new Liquid({ cache: true });

/** The notice without what only hookbot uses: its image travels as base64 like the rest. */
function publicNotice(n: Notice): Record<string, unknown> {
  const { raw: _raw, vars, ...rest } = n as Notice & { raw?: unknown };
  return { ...rest, vars };
}

export function renderBody(mode: BodyMode, msg: Message): { body: string; contentType: string } {
  const n = msg.notice;
  if (mode === 'raw') {
    // A notice made inside hookbot (the `test` command) has no payload: its notice stands in.
    const raw = (n as { raw?: unknown } | undefined)?.raw;
    return { body: JSON.stringify(raw ?? (n ? publicNotice(n) : { title: msg.title, source: msg.source, event: msg.event })), contentType: 'application/json' };
  }
  if (mode === 'notice') return { body: JSON.stringify(n ? publicNotice(n) : { title: msg.title, source: msg.source, event: msg.event }), contentType: 'application/json' };
  const scope = n ? { ...n.vars, ...publicNotice(n), raw: (n as { raw?: unknown }).raw } : { source: msg.source, event: msg.event, title: msg.title };
  const body = liquid.parseAndRenderSync(mode.template, scope);
  let json = false;
  try {
    JSON.parse(body);
    json = true;
  } catch {
    /* text */
  }
  return { body, contentType: json ? 'application/json' : 'text/plain; charset=utf-8' };
}

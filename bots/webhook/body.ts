// What an outbound webhook POSTs: the sender's raw payload (default), hookbot's notice as JSON, or a
// Liquid template rendered with the notice (its fields and the format's vars, as message templates see them).
import { liquidEngine } from '../../src/render/liquid-engine.js';
import type { Message, Span } from '../../src/message.js';
import type { Notice } from '../../src/notice.js';

export type BodyMode = 'raw' | 'notice' | { template: string };

const liquid = liquidEngine({ cache: true });

/** The notice without what only hookbot uses: its image travels as base64 like the rest. */
function publicNotice(n: Notice): Record<string, unknown> {
  const { raw: _raw, vars, ...rest } = n as Notice & { raw?: unknown };
  return { ...rest, vars };
}

/** A link's address stays beside its label: the receiver reads JSON, not markup. */
function readable(spans: Span[]): string {
  return spans.map((s) => (s.kind === 'link' ? `${readable(s.children)} (${s.url})` : s.kind === 'text' || s.kind === 'code' ? s.text : readable(s.children))).join('');
}

/** A message made inside hookbot has no notice: what a reader needs of it, as JSON. */
function messageJson(msg: Message): Record<string, unknown> {
  return { source: msg.source, event: msg.event, level: msg.level, time: msg.time, title: msg.title, text: readable(msg.body), fields: msg.fields, link: msg.link };
}

export function renderBody(mode: BodyMode, msg: Message): { body: string; contentType: string } {
  const n = msg.notice;
  if (mode === 'raw') {
    // A notice made inside hookbot (the `test` command) has no payload: its notice stands in.
    const raw = (n as { raw?: unknown } | undefined)?.raw;
    return { body: JSON.stringify(raw ?? (n ? publicNotice(n) : messageJson(msg))), contentType: 'application/json' };
  }
  if (mode === 'notice') return { body: JSON.stringify(n ? publicNotice(n) : messageJson(msg)), contentType: 'application/json' };
  const scope = n ? { ...n.vars, ...publicNotice(n), raw: (n as { raw?: unknown }).raw } : messageJson(msg);
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

// Table rows → the Store contract's types, the same for SQLite and PostgreSQL (both schemas use the
// same column names; SQLite keeps booleans as 0/1).
import type { AuditEntry, Capture, Delivery, EventSummary } from './store.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from either driver */
export function rowToDelivery(r: any): Delivery {
  return {
    id: r.id,
    eventId: r.event_id,
    bot: r.bot,
    chat: r.chat,
    thread: r.thread ?? undefined,
    kind: r.kind,
    target: r.target,
    silent: !!r.silent,
    state: r.state,
    attempts: r.attempts,
    nextAt: r.next_at,
    lastError: r.last_error ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function rowToSummary(r: any): EventSummary {
  return { id: r.id, source: r.source, event: r.event, level: r.level, title: r.title ?? undefined, createdAt: r.created_at };
}

export function rowToAudit(r: any): AuditEntry {
  return { at: r.at, bot: r.bot, user: r.user, chat: r.chat, command: r.command, args: r.args, outcome: r.outcome, detail: r.detail ?? undefined };
}

export function rowToCapture(r: any): Capture {
  return { id: r.id, source: r.source, at: r.at, headers: JSON.parse(r.headers), query: JSON.parse(r.query), body: r.body, outcome: r.outcome };
}

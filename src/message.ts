// What templates produce and adapters consume: a tiny markup tree plus the notice's parts.
import type { Field, Level, Notice } from './notice.js';

/** Inline markup. Line breaks are '\n' inside text. */
export type Span =
  | { kind: 'text'; text: string }
  | { kind: 'bold' | 'italic'; children: Span[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; url: string; children: Span[] };

export type MessageImage =
  | { url: string }
  /** `publicUrl`: where hookbot serves these bytes (server.publicUrl is set), for robots that only take URLs. */
  | { data: Buffer; mime: string; filename: string; publicUrl?: string };

export interface Message {
  /** Plain text heading (adapters escape it themselves). */
  title?: string;
  body: Span[];
  fields: Field[];
  image?: MessageImage;
  link?: string;
  level: Level;
  source: string;
  event: string;
  /** ISO-8601. */
  time: string;
  /** Deliver without a notification sound (Telegram disable_notification, …). */
  silent: boolean;
  /** The notice it was rendered from, for bots that forward it (the outbound webhook). */
  notice?: Notice;
}

// Splitting that counts what the platform counts: splitSpans measures plain text, but escapes and
// markers (`&` → `&amp;`, `**`) make the rendered text longer, and some platforms count bytes. A piece
// that renders too long is split again with a budget shrunk in proportion to its overshoot, until
// every rendered piece fits.
import type { Span } from '../message.js';
import { plainText, splitSpans } from './markup.js';

export type Measure = (text: string) => number;
export const chars: Measure = (t) => t.length;
export const utf8Bytes: Measure = (t) => Buffer.byteLength(t, 'utf8');

export interface FittedPiece {
  spans: Span[];
  rendered: string;
}

/** Rendered pieces, each at most `limit` by `measure`, in order, losing nothing. */
export function splitToFit(spans: Span[], limit: number, render: (s: Span[]) => string, measure: Measure = chars): string[] {
  return splitSpansToFit(spans, limit, render, measure).map((p) => p.rendered);
}

/** Like splitToFit, with each piece's spans too (for callers that also need its plain text). */
export function splitSpansToFit(spans: Span[], limit: number, render: (s: Span[]) => string, measure: Measure = chars, cut: number = limit): FittedPiece[] {
  const out: FittedPiece[] = [];
  for (const chunk of splitSpans(spans, Math.max(1, cut))) {
    const rendered = render(chunk);
    const size = measure(rendered);
    const plain = plainText(chunk).length;
    // One character that alone renders past the limit cannot be split further: it goes as it is.
    if (size <= limit || plain <= 1) {
      out.push({ spans: chunk, rendered });
      continue;
    }
    const smaller = Math.max(1, Math.min(plain - 1, Math.floor((plain * limit) / size)));
    out.push(...splitSpansToFit(chunk, limit, render, measure, smaller));
  }
  return out;
}

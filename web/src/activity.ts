// Turns the per-minute counts of /api/v1/activity into the columns uPlot draws.
import type { Activity } from './api.js';

export interface Series {
  /** Seconds since the epoch, one per bucket (uPlot's x axis is in seconds). */
  x: number[];
  webhooks: number[];
  sent: number[];
  peak: number;
}

export function toSeries(a: Activity): Series {
  const n = Math.max(a.webhooks.length, a.sent.length);
  const x: number[] = [];
  const webhooks: number[] = [];
  const sent: number[] = [];
  let peak = 0;
  for (let i = 0; i < n; i++) {
    x.push(Math.round((a.from + i * a.bucketMs) / 1000));
    const w = a.webhooks[i] ?? 0;
    const s = a.sent[i] ?? 0;
    webhooks.push(w);
    sent.push(s);
    peak = Math.max(peak, w, s);
  }
  return { x, webhooks, sent, peak };
}

// Titles are plain text (adapters escape them for their platform), so values substituted into a
// title template must not get the markup escaping body values get: `disk_low`, not `disk\_low`.
import type { InboundFormat, Template } from './format.js';

const OUTPUT = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;

function rawValues(title: string): string {
  return title.replace(OUTPUT, (whole, expr: string) => (/\|\s*raw\b/.test(expr) ? whole : `{{ ${expr} | raw }}`));
}

/** The same templates with every `{{ value }}` in a title marked raw. */
export function plainTitles(t: InboundFormat['templates']): InboundFormat['templates'] {
  const fix = (m: Record<string, Template>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'string' || v.title === undefined ? v : { ...v, title: rawValues(v.title) }]));
  return { en: fix(t.en), 'zh-CN': fix(t['zh-CN']) };
}

// The registry of inbound formats: format name → module. One line per format.
import type { InboundFormat } from './format.js';
import { report } from './report.js';

export const formats: Record<string, InboundFormat> = {
  report,
};

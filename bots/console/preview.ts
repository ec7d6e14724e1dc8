// The dashboard's preview: exactly what the console bot prints.
import type { PreviewFn } from '../../src/preview.js';
import { consoleText } from './console.js';

export const consolePreview: PreviewFn = (msg) => ({ format: 'text', text: consoleText(msg) });

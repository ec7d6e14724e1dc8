// The dashboard's preview: the markdown content of the WeCom robot's message(s).
import type { PreviewFn } from '../../src/preview.js';
import { weComContents } from './markdown.js';

export const wecomPreview: PreviewFn = (msg) => ({ format: 'markdown', text: weComContents(msg).join('\n\n---\n\n') });

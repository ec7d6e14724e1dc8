// The dashboard's preview: the HTML text Telegram receives (before splitting at its limits).
import type { PreviewFn } from '../../src/preview.js';
import { messageSpans, spansToHtml } from './html.js';

export const telegramPreview: PreviewFn = (msg) => ({ format: 'html', text: spansToHtml(messageSpans(msg)) });

// The dashboard's preview: the plain text QQ shows (QQ has no markup; a link's address follows its label).
import type { PreviewFn } from '../../src/preview.js';
import { messageSpans, qqText } from './segments.js';

export const onebotPreview: PreviewFn = (msg) => ({ format: 'text', text: qqText(messageSpans(msg)) + (msg.image ? '\n[image]' : '') });

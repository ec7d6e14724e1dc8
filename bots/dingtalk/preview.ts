// The dashboard's preview: the markdown text of the DingTalk robot's message(s).
import type { PreviewFn } from '../../src/preview.js';
import { dingTalkBodies } from './markdown.js';

export const dingtalkPreview: PreviewFn = (msg) => ({ format: 'markdown', text: dingTalkBodies(msg, {}).map((b) => b.markdown.text).join('\n\n---\n\n') });

// The dashboard's preview: the Block Kit posts Slack receives.
import type { PreviewFn } from '../../src/preview.js';
import { slackPosts } from './blocks.js';

export const slackPreview: PreviewFn = (msg) => ({ format: 'json', text: JSON.stringify(slackPosts(msg), null, 2) });

// The dashboard's preview: the embeds Discord receives (an uploaded screenshot named, not inlined).
import type { PreviewFn } from '../../src/preview.js';
import { buildEmbeds } from './embeds.js';

export const discordPreview: PreviewFn = (msg) => {
  const { embeds, file } = buildEmbeds(msg);
  return { format: 'json', text: JSON.stringify({ embeds, ...(file ? { attachment: file.name } : {}) }, null, 2) };
};

// What a robot that can only show images by URL says when it has image bytes but no URL for them.
import type { Message } from '../../src/message.js';

/** One line, Chinese first: most readers of these robots read Chinese. */
export const IMAGE_NOT_SHOWN = '（截图未显示：设置 server.publicUrl 后可显示 / screenshot not shown: set server.publicUrl to show it）';

/** The image's address when it can be shown by URL: a URL image, or bytes hookbot serves at its public URL. */
export function imageUrl(msg: Message): string | undefined {
  const img = msg.image;
  if (!img) return undefined;
  if ('url' in img) return img.url;
  return img.publicUrl;
}

// /volc describe <source> <domain> [app]: what Volcengine Live holds for a push domain, and whether
// it points at this hookbot — the chat side of `hookbot volcengine describe`.
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { esc } from '../format.js';

export const volc: Command = {
  name: 'volc',
  description: (l) => (l === 'zh-CN' ? '火山引擎直播推流域名的回调：是否指向本 hookbot？' : 'Volcengine Live callbacks of a push domain: do they point at this hookbot?'),
  // `describe` is the word to type; the rest is named in the reader's language.
  usage: (l) => (l === 'zh-CN' ? 'describe <来源> <推流域名> [应用]' : 'describe <source> <domain> [app]'),
  access: 'admin',
  async run({ argv, deps }) {
    if (argv[0] !== 'describe' || argv.length < 3 || argv.length > 4) throw new UsageError('Usage: /volc describe <source> <domain> [app], e.g. /volc describe volc push.example.com live');
    if (!deps.volcengine) return { text: esc('Volcengine is not configured: add volcengine: { accessKeyId, secretAccessKey } to the config (docs/volcengine.md)') };
    const [, source, domain, app] = argv as [string, string, string, string | undefined];
    // Errors from Volcengine carry their code and the fix; the plane turns them into the reply.
    return { text: esc(await deps.volcengine.describe(source, domain, app)) };
  },
};

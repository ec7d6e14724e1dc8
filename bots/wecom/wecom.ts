// The WeCom group robot (企业微信群机器人): one group chat, send only. Markdown split at 4096 bytes,
// screenshots as `image` messages. Facts: the Chinese-platforms reference, §4.
import type { BotDeps, BotModule, SendContext } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { registerSecret } from '../../src/log.js';
import { httpStatusError, postJson } from '../robot/http.js';
import { IMAGE_NOT_SHOWN, imageUrl } from '../robot/image-note.js';
import { wecomPlatform, type WeComOptions } from './platform.js';
import { RobotBot, type Part } from '../robot/robot-bot.js';
import { weComError } from './errors.js';
import { weComImage } from './image.js';
import { weComContents } from './markdown.js';


export class WeComBot extends RobotBot {
  readonly platform = 'wecom';

  constructor(id: string, private readonly opts: WeComOptions, deps: BotDeps & { fetch?: typeof fetch }) {
    super(id, deps);
    registerSecret(new URL(opts.webhook).searchParams.get('key') ?? undefined);
  }

  protected async plan(msg: Message, ctx: SendContext): Promise<Part[]> {
    const img = msg.image && 'data' in msg.image ? weComImage(msg.image.data) : undefined;
    let extra: string | undefined;
    if (msg.image && !img) {
      const url = imageUrl(msg);
      extra = url ? `[截图 / screenshot](${url.replace(/[ ()<>]/g, encodeURIComponent)})` : IMAGE_NOT_SHOWN;
      if (msg.image && 'data' in msg.image) this.deps.logger.info({ bytes: msg.image.data.length }, 'the image cannot be sent to WeCom (not a PNG or JPG that fits 2 MB): linking it');
    }
    const bodies: object[] = weComContents(msg, extra).map((content) => ({ msgtype: 'markdown', markdown: { content } }));
    if (img) bodies.push({ msgtype: 'image', image: img });
    return bodies.map((body) => async () => {
      const res = await postJson('wecom', this.opts.webhook, body, { signal: ctx.signal, fetch: this.fetchFn });
      if (res.status !== 200) throw httpStatusError('wecom', res.status);
      const errcode = typeof res.body?.errcode === 'number' ? res.body.errcode : undefined;
      if (errcode !== 0) throw weComError(errcode ?? 0, errcode === undefined ? 'answer without errcode' : String(res.body.errmsg ?? ''));
    });
  }
}

export const wecomBot: BotModule<WeComOptions> = {
  ...wecomPlatform,
  create: (id, opts, deps) => new WeComBot(id, opts, deps),
};

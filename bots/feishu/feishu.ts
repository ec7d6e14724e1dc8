// The Feishu/Lark custom bot (飞书自定义机器人): one group chat, send only. `post` rich text (or an
// interactive card), signed when `secret` is set; screenshots uploaded with the app credentials
// when given (image_key), else shown by URL. Facts: the Chinese-platforms reference, §3.
import type { BotDeps, BotModule, SendContext } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { mask, registerSecret } from '../../src/log.js';
import { plainText } from '../../src/render/markup.js';
import { contentSpans } from '../robot/compose.js';
import { splitToFit, utf8Bytes as byteLength } from '../../src/render/fit.js';
import { httpStatusError, postJson } from '../robot/http.js';
import { IMAGE_NOT_SHOWN, imageUrl } from '../robot/image-note.js';
import { feishuPlatform, HOOK, type FeishuOptions } from './platform.js';
import { RobotBot, type Part } from '../robot/robot-bot.js';
import { card, toCardMarkdown } from './card.js';
import { feishuError, feishuOk } from './errors.js';
import { toPostLines, type PostElement } from './post.js';
import { signature } from './sign.js';
import { FeishuUploader } from './upload.js';



/** Room for the content in one body, under Feishu's 20 KB with the rest of the JSON around it. */
const CONTENT_BYTES = 18_000;

export class FeishuBot extends RobotBot {
  readonly platform = 'feishu';
  private readonly uploader?: FeishuUploader;

  constructor(id: string, private readonly opts: FeishuOptions, deps: BotDeps & { fetch?: typeof fetch }) {
    super(id, deps);
    registerSecret(HOOK.exec(new URL(opts.webhook).pathname)?.[1]);
    registerSecret(opts.secret);
    registerSecret(opts.appSecret);
    // The config schema is built from each platform's option shape, so this pair is checked here.
    if (!opts.appId !== !opts.appSecret) deps.logger.warn(`bots.${id}: give both appId and appSecret to upload images; with one alone, images are shown by URL`);
    if (opts.appId && opts.appSecret) {
      this.uploader = new FeishuUploader({ appId: opts.appId, appSecret: opts.appSecret, apiRoot: (opts.apiRoot ?? new URL(opts.webhook).origin).replace(/\/$/, '') }, deps.clock, deps.fetch);
    }
  }

  /** The image_key of the message's image, when the app can upload it. */
  private async imageKey(msg: Message, signal: AbortSignal): Promise<string | undefined> {
    if (!this.uploader || !msg.image || !('data' in msg.image)) return undefined;
    try {
      return await this.uploader.upload(msg.image.data, msg.image.mime, signal);
    } catch (e) {
      this.deps.logger.warn({ err: mask((e as Error).message) }, 'feishu: could not upload the image; showing it by URL if it has one (check appId and appSecret)');
      return undefined;
    }
  }

  private title(msg: Message, part: number, parts: number): string | undefined {
    const base = msg.title ?? (this.opts.keyword ? '' : undefined);
    if (base === undefined) return parts > 1 ? `(${part}/${parts})` : undefined;
    const withKeyword = this.opts.keyword && !base.includes(this.opts.keyword) ? `[${this.opts.keyword}] ${base}`.trim() : base;
    return withKeyword + (parts > 1 ? ` (${part}/${parts})` : '');
  }

  private bodies(msg: Message, key: string | undefined): object[] {
    const url = key ? undefined : imageUrl(msg);
    const noteNeeded = msg.image && !key && !url;
    if (this.opts.format === 'card') {
      const extra = url ? `\n[截图 / screenshot](${url.replace(/[ ()<>]/g, encodeURIComponent)})` : noteNeeded ? '\n' + IMAGE_NOT_SHOWN : '';
      const parts = splitToFit(contentSpans(msg), CONTENT_BYTES - byteLength(extra), toCardMarkdown, (s) => byteLength(JSON.stringify(s)));
      return parts.map((md, i) => {
        const last = i === parts.length - 1;
        return { msg_type: 'interactive', card: card(this.title(msg, i + 1, parts.length), msg.level, md + (last ? extra : ''), last ? key : undefined) };
      });
    }
    const tail: PostElement[][] = key ? [[{ tag: 'img', image_key: key }]] : url ? [[{ tag: 'a', text: '截图 / screenshot', href: url }]] : noteNeeded ? [[{ tag: 'text', text: IMAGE_NOT_SHOWN }]] : [];
    const parts = splitToFit(contentSpans(msg), CONTENT_BYTES - byteLength(JSON.stringify(tail)), (p) => JSON.stringify(toPostLines(p)), byteLength);
    return parts.map((json, i) => {
      const lines = JSON.parse(json) as PostElement[][];
      if (i === parts.length - 1) lines.push(...tail);
      const title = this.title(msg, i + 1, parts.length) ?? (parts.length === 1 && !plainText(msg.body) ? `${msg.source} ${msg.event}` : '');
      return { msg_type: 'post', content: { post: { zh_cn: { title, content: lines } } } };
    });
  }

  protected async plan(msg: Message, ctx: SendContext): Promise<Part[]> {
    const key = await this.imageKey(msg, ctx.signal);
    return this.bodies(msg, key).map((body) => async () => {
      const signed = { ...signature(this.opts.secret, this.deps.clock.now()), ...body };
      const res = await postJson('feishu', this.opts.webhook, signed, { signal: ctx.signal, fetch: this.fetchFn });
      if (feishuOk(res.body)) return;
      if (res.body?.code === undefined && res.status !== 200) throw httpStatusError('feishu', res.status);
      throw feishuError(res.body?.code, String(res.body?.msg ?? `HTTP ${res.status}`));
    });
  }
}

export const feishuBot: BotModule<FeishuOptions> = {
  ...feishuPlatform,
  create: (id, opts, deps) => new FeishuBot(id, opts, deps),
};

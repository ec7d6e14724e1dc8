// The DingTalk custom robot (钉钉自定义机器人): one group chat, send only. Markdown with the title,
// signed requests (加签) when `secret` is set, optional @mentions, images by URL. Facts: the
// Chinese-platforms reference, §2.
import type { BotDeps, BotModule, SendContext } from '../../src/bot.js';
import type { Message } from '../../src/message.js';
import { registerSecret } from '../../src/log.js';
import { httpStatusError, postJson } from '../robot/http.js';
import { dingtalkPlatform, type DingTalkOptions } from './platform.js';
import { RobotBot, type Part } from '../robot/robot-bot.js';
import { dingTalkError } from './errors.js';
import { dingTalkBodies } from './markdown.js';
import { signedUrl } from './sign.js';


export class DingTalkBot extends RobotBot {
  readonly platform = 'dingtalk';

  constructor(id: string, private readonly opts: DingTalkOptions, deps: BotDeps & { fetch?: typeof fetch }) {
    super(id, deps);
    registerSecret(new URL(opts.webhook).searchParams.get('access_token') ?? undefined);
    registerSecret(opts.secret);
  }

  protected async plan(msg: Message, ctx: SendContext): Promise<Part[]> {
    const mentions = { atMobiles: this.opts.atMobiles, atUserIds: this.opts.atUserIds, isAtAll: this.opts.atAll };
    return dingTalkBodies(msg, { keyword: this.opts.keyword, mentions }).map((body) => async () => {
      // Signed per request: the timestamp must be within an hour of DingTalk's clock.
      const url = signedUrl(this.opts.webhook, this.opts.secret, this.deps.clock.now());
      const res = await postJson('dingtalk', url, body, { signal: ctx.signal, fetch: this.fetchFn });
      if (res.status !== 200) throw httpStatusError('dingtalk', res.status);
      const errcode = typeof res.body?.errcode === 'number' ? res.body.errcode : undefined;
      if (errcode !== 0) throw dingTalkError(errcode ?? 0, errcode === undefined ? 'answer without errcode' : String(res.body.errmsg ?? ''));
    });
  }
}

export const dingtalkBot: BotModule<DingTalkOptions> = {
  ...dingtalkPlatform,
  create: (id, opts, deps) => new DingTalkBot(id, opts, deps),
};

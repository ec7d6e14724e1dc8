// A fake DingTalk custom robot (自定义机器人): `POST /robot/send?access_token=…[&timestamp=…&sign=…]`,
// answering like DingTalk — always HTTP 200 with `{errcode, errmsg}` — for unknown tokens (300005),
// signatures and timestamps (310000), keywords (310000), bad bodies (300001), and its limit of 20
// messages per rolling minute after which the robot is throttled for 10 minutes (130101).
// Facts: the Chinese-platforms reference, §2.
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../../../src/clock.js';
import { HttpFake, json, pathOf, queryOf, RollingWindow } from '../robot/http-fake.js';

export interface FakeRobot {
  token: string;
  /** 加签: the `SEC…` secret; requests must then carry a valid timestamp and sign. */
  secret?: string;
  /** 自定义关键词: a message must contain one of them. */
  keywords?: string[];
}

export interface DingTalkMessage {
  token: string;
  msgtype: string;
  body: Record<string, any>;
  at: number;
}

export const DINGTALK_LIMIT = { count: 20, windowMs: 60_000, penaltyMs: 600_000 };
/** DingTalk's error text says 20000 bytes; its errcode is not documented. */
export const MAX_BODY_BYTES = 20_000;

const REQUIRED: Record<string, string[]> = {
  text: ['text.content'],
  markdown: ['markdown.title', 'markdown.text'],
  link: ['link.title', 'link.text', 'link.messageUrl'],
  actionCard: ['actionCard.title', 'actionCard.text'],
  feedCard: ['feedCard.links'],
};

/** The sign DingTalk expects, before URL-encoding. */
export function dingTalkSign(timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export class FakeDingTalk {
  readonly http = new HttpFake((req, body, res) => this.handle(req, body, res));
  readonly messages: DingTalkMessage[] = [];
  readonly stats = { throttled: 0, refused: 0 };
  private readonly robots = new Map<string, FakeRobot>();
  private readonly window: RollingWindow;
  private readonly clock: Clock;
  private readonly faults: { errcode: number; errmsg: string }[] = [];

  constructor(opts: { robots: FakeRobot[]; clock?: Clock; limit?: Partial<typeof DINGTALK_LIMIT> }) {
    for (const r of opts.robots) this.robots.set(r.token, r);
    this.clock = opts.clock ?? systemClock;
    const l = { ...DINGTALK_LIMIT, ...opts.limit };
    this.window = new RollingWindow(this.clock, [{ count: l.count, windowMs: l.windowMs }], l.penaltyMs);
  }

  get url(): string {
    return this.http.url;
  }
  /** The webhook URL of a robot, as DingTalk shows it. */
  webhook(token: string): string {
    return `${this.http.url}/robot/send?access_token=${token}`;
  }
  start() {
    return this.http.start();
  }
  stop() {
    return this.http.stop();
  }
  received(token: string): DingTalkMessage[] {
    return this.messages.filter((m) => m.token === token);
  }
  /** The next request is answered with this error (e.g. -1 系统繁忙). */
  failNext(errcode: number, errmsg: string): void {
    this.faults.push({ errcode, errmsg });
  }
  waitFor(cond: () => boolean, timeoutMs?: number, what?: string) {
    return this.http.waitFor(cond, timeoutMs, what);
  }

  private answer(res: ServerResponse, errcode: number, errmsg: string) {
    if (errcode !== 0) this.stats.refused++;
    json(res, 200, { errcode, errmsg });
  }

  private handle(req: IncomingMessage, raw: Buffer, res: ServerResponse) {
    if (req.method !== 'POST' || pathOf(req) !== '/robot/send') return json(res, 404, { errcode: 404, errmsg: 'not found' });
    const q = queryOf(req);
    const robot = this.robots.get(q.get('access_token') ?? '');
    if (!robot) return this.answer(res, 300005, 'token is not exist');
    if (robot.secret) {
      const ts = q.get('timestamp') ?? '';
      if (!/^\d+$/.test(ts) || Math.abs(Number(ts) - this.clock.now()) > 3_600_000) return this.answer(res, 310000, 'invalid timestamp');
      if (q.get('sign') !== dingTalkSign(ts, robot.secret)) return this.answer(res, 310000, 'sign not match');
    }
    const fault = this.faults.shift();
    if (fault) return this.answer(res, fault.errcode, fault.errmsg);
    if (raw.length > MAX_BODY_BYTES) return this.answer(res, 460101, `message too long, exceed ${MAX_BODY_BYTES} bytes`);
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.answer(res, 300001, 'param error');
    }
    const required = REQUIRED[body?.msgtype];
    if (!required) return this.answer(res, 300001, `param error: unknown msgtype ${String(body?.msgtype)}`);
    for (const path of required) {
      const v = path.split('.').reduce<any>((o, k) => o?.[k], body);
      if (v === undefined || v === null || v === '' || (typeof v !== 'string' && !Array.isArray(v))) return this.answer(res, 300001, `param error: ${path} is missing`);
    }
    if (body.at !== undefined && (typeof body.at !== 'object' || (body.at.atMobiles && !Array.isArray(body.at.atMobiles)))) return this.answer(res, 300001, 'param error: at');
    if (robot.keywords?.length) {
      const text = JSON.stringify(body[body.msgtype]);
      if (!robot.keywords.some((k) => text.includes(k))) return this.answer(res, 310000, 'keywords not in content');
    }
    if (!this.window.allow(robot.token)) {
      this.stats.throttled++;
      return this.answer(res, 130101, 'send too fast, exceed 20 times per minute');
    }
    this.messages.push({ token: robot.token, msgtype: body.msgtype, body, at: this.clock.now() });
    this.answer(res, 0, 'ok');
  }
}

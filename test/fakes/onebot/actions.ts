// The fake's OneBot actions, shared by its HTTP API and its reverse-WebSocket client: what QQ does
// with a send (known users and groups, risk control, injected failures), as a neutral outcome that
// each transport then answers in NapCat's own status/retcode shape.
import { readMessage, type Segment } from './message.js';

export type Via = 'http' | 'ws';

export interface SentMessage {
  action: string;
  /** `private` to user_id, `group` to group_id. */
  type: 'private' | 'group';
  target: number;
  segments: Segment[];
  via: Via;
  at: number;
  messageId: number;
}

/** What an action came to, before a transport turns it into status/retcode. */
export type Outcome =
  | { kind: 'ok'; data: unknown }
  | { kind: 'badParams'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'unknownAction'; action: string };

/** A failure the next call of an action meets (tests inject them). */
export type Injected =
  /** NapCat's send timeout (risk control or a slow kernel); `recorded`: the message arrived anyway. */
  | { timeout: true; recorded?: boolean }
  /** The bot was removed from the group (result 110). */
  | { removed: true }
  /** An HTTP status instead of an answer (HTTP only). */
  | { status: number }
  /** The connection is cut before any answer. */
  | { reset: true };

// NapCat's texts [source: NapCatQQ issues #600, #808, #932]; the unknown-user text is [unverified].
export const TIMEOUT_TEXT = 'Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n{}\n';
export const REMOVED_TEXT = 'EventChecker Failed: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n{"result":110,"errMsg":"发送失败，你已被移出该群，请重新加群。"}\n';
export const NO_USER_TEXT = '无法获取用户信息';

export interface RiskLimits {
  /** At most this many sends per account in any 1 s. */
  perSecond: number;
  /** Two sends to one chat closer than this are refused. */
  chatGapMs: number;
  /** At most this many sends to one group in any 60 s. */
  groupPerMinute: number;
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

export class QQ {
  readonly sent: SentMessage[] = [];
  /** Sends QQ's risk control refused: a well-paced client causes none. */
  readonly riskRefusals: string[] = [];
  readonly users: Set<number>;
  readonly groups: Set<number>;
  private nextId = 1000;
  private readonly injected = new Map<string, Injected[]>();
  private readonly history: { at: number; type: string; target: number }[] = [];

  constructor(
    readonly selfId: number,
    users: number[],
    groups: number[],
    private readonly risk: RiskLimits,
    private readonly onChange: () => void,
  ) {
    this.users = new Set(users);
    this.groups = new Set(groups);
  }

  failNext(action: string, f: Injected): void {
    const list = this.injected.get(action) ?? [];
    list.push(f);
    this.injected.set(action, list);
  }

  takeInjected(action: string): Injected | undefined {
    return this.injected.get(action)?.shift();
  }

  run(action: string, params: Record<string, unknown>, via: Via, injected?: Injected): Outcome {
    switch (action) {
      case 'get_login_info':
        return { kind: 'ok', data: { user_id: this.selfId, nickname: 'hookbot-test' } };
      case 'get_status':
        return { kind: 'ok', data: { online: true, good: true } };
      case 'send_private_msg':
        return this.send(action, 'private', params, via, injected);
      case 'send_group_msg':
        return this.send(action, 'group', params, via, injected);
      case 'send_msg': {
        const t = params['message_type'] ?? (params['group_id'] !== undefined ? 'group' : 'private');
        if (t !== 'private' && t !== 'group') return { kind: 'badParams', message: 'message_type 必须是 private 或 group' };
        return this.send(action, t, params, via, injected);
      }
      default:
        return { kind: 'unknownAction', action };
    }
  }

  private send(action: string, type: 'private' | 'group', params: Record<string, unknown>, via: Via, injected?: Injected): Outcome {
    const key = type === 'group' ? 'group_id' : 'user_id';
    const target = num(params[key]);
    if (target === undefined) return { kind: 'badParams', message: `${key} 必须是数字` };
    const segments = readMessage(params['message'], params['auto_escape'] === true || params['auto_escape'] === 'true');
    if (typeof segments === 'string') return { kind: 'badParams', message: segments };
    if (type === 'group' && !this.groups.has(target)) return { kind: 'failed', message: REMOVED_TEXT };
    if (type === 'private' && !this.users.has(target)) return { kind: 'failed', message: NO_USER_TEXT };
    if (injected && 'removed' in injected) return { kind: 'failed', message: REMOVED_TEXT };
    const now = Date.now();
    const refusal = this.riskCheck(now, type, target);
    if (refusal) {
      this.riskRefusals.push(refusal);
      this.onChange();
      return { kind: 'failed', message: TIMEOUT_TEXT };
    }
    this.history.push({ at: now, type, target });
    if (injected && 'timeout' in injected && !injected.recorded) return { kind: 'failed', message: TIMEOUT_TEXT };
    const messageId = this.nextId++;
    this.sent.push({ action, type, target, segments, via, at: now, messageId });
    this.onChange();
    if (injected && 'timeout' in injected) return { kind: 'failed', message: TIMEOUT_TEXT };
    return { kind: 'ok', data: { message_id: messageId } };
  }

  private riskCheck(now: number, type: string, target: number): string | undefined {
    const recent = this.history.filter((h) => now - h.at < 60_000);
    if (recent.filter((h) => now - h.at < 1000).length >= this.risk.perSecond) return `more than ${this.risk.perSecond} sends in a second`;
    const last = recent.filter((h) => h.type === type && h.target === target).at(-1);
    if (last && now - last.at < this.risk.chatGapMs) return `${type} ${target}: two sends ${now - last.at} ms apart`;
    if (type === 'group' && recent.filter((h) => h.type === 'group' && h.target === target).length >= this.risk.groupPerMinute) return `group ${target}: more than ${this.risk.groupPerMinute} in a minute`;
    return undefined;
  }
}

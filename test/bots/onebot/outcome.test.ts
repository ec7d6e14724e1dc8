import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/bot.js';
import { httpFailure, outcomeOf, type ApiAnswer } from '../../../bots/onebot/outcome.js';
import { REMOVED_TEXT, TIMEOUT_TEXT } from '../../fakes/onebot/fake-onebot.js';

type Want = { sent: string | undefined } | { retryable: boolean; unhealthy?: boolean; retryAfterMs?: number; reason: RegExp };

const run = (a: ApiAnswer): Want | DeliveryError => {
  try {
    return { sent: outcomeOf(a, 'the OneBot HTTP server', 'bots.qq') };
  } catch (e) {
    return e as DeliveryError;
  }
};

describe('OneBot answers → outcome', () => {
  it.each<[string, ApiAnswer, Want]>([
    ['ok', { status: 'ok', retcode: 0, data: { message_id: 42 } }, { sent: '42' }],
    ['async (accepted, sent later)', { status: 'async', retcode: 1, data: null }, { sent: undefined }],
    ['NapCat HTTP timeout (retcode 200): once more after a minute', { status: 'failed', retcode: 200, message: TIMEOUT_TEXT }, { retryable: true, retryAfterMs: 60_000, reason: /may have arrived/ }],
    ['NapCat WS timeout (retcode 1200)', { status: 'failed', retcode: 1200, message: TIMEOUT_TEXT }, { retryable: true, retryAfterMs: 60_000, reason: /did not confirm/ }],
    ['removed from the group (result 110): dead', { status: 'failed', retcode: 200, message: REMOVED_TEXT }, { retryable: false, reason: /not in that group/ }],
    ['unknown user: dead', { status: 'failed', retcode: 200, message: '无法获取用户信息' }, { retryable: false, reason: /no such user/ }],
    ['go-cqhttp: group does not exist', { status: 'failed', retcode: 100, msg: 'GROUP_NOT_FOUND', wording: '群聊不存在' }, { retryable: false, reason: /群聊不存在/ }],
    ['NapCat unknown action (retcode 200): the URL is wrong', { status: 'failed', retcode: 200, message: '不支持的Api send_group_msgx' }, { retryable: false, unhealthy: true, reason: /bots\.qq\.url/ }],
    ['spec unknown action (1404)', { status: 'failed', retcode: 1404 }, { retryable: false, unhealthy: true, reason: /bots\.qq\.url/ }],
    ['bad params (NapCat HTTP 400)', { status: 'failed', retcode: 400, message: 'group_id 必须是数字' }, { retryable: false, reason: /invalid/ }],
    ['bad params over WS (1400)', { status: 'failed', retcode: 1400, message: 'message 不能为空' }, { retryable: false, reason: /invalid/ }],
    ['retcode 200 is never success', { status: 'failed', retcode: 200 }, { retryable: true, retryAfterMs: 60_000, reason: /retcode 200/ }],
  ])('%s', (_n, answer, want) => {
    const got = run(answer);
    if ('sent' in want) return expect(got).toEqual(want);
    expect(got).toBeInstanceOf(DeliveryError);
    const e = got as DeliveryError;
    expect(e.retryable).toBe(want.retryable);
    expect(e.unhealthy).toBe(want.unhealthy ?? false);
    if (want.retryAfterMs) expect(e.retryAfterMs).toBe(want.retryAfterMs);
    expect(e.message).toMatch(want.reason);
  });

  it.each([
    [401, { retryable: false, unhealthy: true }, /bots\.qq\.accessToken/],
    [403, { retryable: false, unhealthy: true }, /bots\.qq\.accessToken/],
    [404, { retryable: false, unhealthy: true }, /bots\.qq\.url/],
    [502, { retryable: true, unhealthy: false }, /HTTP 502/],
  ])('HTTP %i', (status, want, reason) => {
    const e = httpFailure(status, 'bots.qq');
    expect(e).toMatchObject(want);
    expect(e.message).toMatch(reason);
  });
});

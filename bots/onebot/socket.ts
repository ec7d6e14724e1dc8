// One reverse-WebSocket connection from a OneBot implementation (communication/ws-reverse.md): API
// calls go out as {action, params, echo} and their answers come back with the same echo; everything
// else is an event. A call left unanswered when the socket closes has an unknown outcome.
import type { WebSocket } from 'ws';
import { DeliveryError } from '../../src/bot.js';
import type { ApiAnswer } from './outcome.js';
import { UNKNOWN_OUTCOME_RETRY_MS } from './outcome.js';

interface Pending {
  resolve(a: ApiAnswer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class OneBotSocket {
  private readonly pending = new Map<string, Pending>();
  private seq = 0;

  constructor(
    readonly ws: WebSocket,
    /** Parsed frames that are not answers to our calls; `undefined` for a frame that is not JSON. */
    private readonly onEvent: (ev: Record<string, unknown> | undefined, raw: string) => void,
    private readonly onClose: () => void,
  ) {
    ws.on('message', (data) => this.onFrame(String(data)));
    ws.on('close', () => {
      const lost = new DeliveryError('the reverse WebSocket closed before QQ answered; the message may have arrived, so it is tried once more after a minute', { retryable: true, retryAfterMs: UNKNOWN_OUTCOME_RETRY_MS });
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(lost);
      }
      this.pending.clear();
      this.onClose();
    });
    // An error is followed by close; without a listener it would be thrown.
    ws.on('error', () => undefined);
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  call(action: string, params: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<ApiAnswer> {
    if (!this.open) return Promise.reject(new DeliveryError('the reverse WebSocket from QQ is not connected', { retryable: true }));
    const echo = `hookbot-${++this.seq}`;
    return new Promise<ApiAnswer>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(echo);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(new DeliveryError('aborted while waiting for QQ to answer; the message may have arrived', { retryable: true, retryAfterMs: UNKNOWN_OUTCOME_RETRY_MS }));
      };
      const timer = setTimeout(() => {
        done();
        reject(new DeliveryError(`QQ did not answer ${action} within ${Math.round(timeoutMs / 1000)} s; the message may have arrived, so it is tried once more after a minute`, { retryable: true, retryAfterMs: UNKNOWN_OUTCOME_RETRY_MS }));
      }, timeoutMs);
      this.pending.set(echo, {
        resolve: (a) => {
          done();
          resolve(a);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        timer,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.ws.send(JSON.stringify({ action, params, echo }));
    });
  }

  close(code = 1000, reason = 'closing'): void {
    this.ws.close(code, reason);
  }

  private onFrame(raw: string) {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return this.onEvent(undefined, raw);
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return this.onEvent(undefined, raw);
    const f = frame as Record<string, unknown>;
    if (typeof f['echo'] === 'string' && this.pending.has(f['echo']) && ('retcode' in f || 'status' in f)) return this.pending.get(f['echo'])!.resolve(f);
    this.onEvent(f, raw);
  }
}

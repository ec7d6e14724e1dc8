// Image upload with a Feishu app's credentials (the Chinese-platforms reference, §3.4): a
// tenant_access_token (cached until shortly before it expires), then a multipart upload that
// returns the image_key a bot message can show. Plain fetch rather than @larksuiteoapi/node-sdk,
// which logs app_secret when the token request fails and loses errors answered with HTTP 200.
import type { Clock } from '../../src/clock.js';

export interface AppCredentials {
  appId: string;
  appSecret: string;
  /** https://open.feishu.cn, https://open.larksuite.com, or wherever the webhook points. */
  apiRoot: string;
}

/** Why an upload failed, in words safe for a log line (never the secret or the token). */
export class UploadError extends Error {}

export class FeishuUploader {
  private token?: { value: string; until: number };

  constructor(
    private readonly app: AppCredentials,
    private readonly clock: Clock,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  private async call(path: string, init: RequestInit): Promise<any> {
    let res: Response;
    try {
      res = await this.fetchFn(this.app.apiRoot + path, init);
    } catch (e) {
      throw new UploadError(`feishu ${path}: could not connect (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name})`);
    }
    const body = (await res.json().catch(() => undefined)) as any;
    if (body?.code !== 0) throw new UploadError(`feishu ${path}: HTTP ${res.status}, code ${body?.code ?? '?'} ${typeof body?.msg === 'string' ? body.msg.slice(0, 200) : ''}`.trim());
    return body;
  }

  private async tenantToken(signal: AbortSignal): Promise<string> {
    const now = this.clock.now();
    if (this.token && this.token.until > now) return this.token.value;
    const body = await this.call('/open-apis/auth/v3/tenant_access_token/internal', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ app_id: this.app.appId, app_secret: this.app.appSecret }),
      signal,
    });
    // Renewed five minutes early, so a token never expires between reading and using it.
    this.token = { value: body.tenant_access_token, until: now + Math.max(0, Number(body.expire ?? 0) - 300) * 1000 };
    return this.token.value;
  }

  /** Uploads image bytes; resolves to the image_key. */
  async upload(data: Buffer, mime: string, signal: AbortSignal): Promise<string> {
    const token = await this.tenantToken(signal);
    const form = new FormData();
    form.append('image_type', 'message');
    form.append('image', new Blob([new Uint8Array(data)], { type: mime }), 'image');
    try {
      const body = await this.call('/open-apis/im/v1/images', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form, signal });
      return String(body.data?.image_key);
    } catch (e) {
      // A token Feishu no longer takes is fetched anew next time.
      this.token = undefined;
      throw e;
    }
  }
}

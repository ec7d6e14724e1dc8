// Volcengine OpenAPI errors, each with the fix a user can act on (reference/volcengine-openapi.md §1).
// The Node SDK resolves on any HTTP status; here a response with ResponseMetadata.Error throws.

export class VolcengineError extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
    readonly httpStatus: number,
    readonly volcMessage: string,
    readonly retryable: boolean,
    readonly requestId?: string,
  ) {
    const fix = fixFor(code, httpStatus);
    super(`Volcengine ${action} failed: ${code}${volcMessage ? ` (${volcMessage})` : ''}${fix ? `: ${fix}` : ''}${requestId ? ` [RequestId ${requestId}]` : ''}`);
    this.name = 'VolcengineError';
  }
}

const FIXES: Record<string, string> = {
  MissingAuthenticationToken: 'set volcengine.accessKeyId and volcengine.secretAccessKey',
  MissingRequestInfo: 'set volcengine.accessKeyId and volcengine.region',
  MissingSignature: 'set volcengine.secretAccessKey',
  InvalidAccessKey: 'volcengine.accessKeyId is not a known key: copy it again from the console (访问控制 → 密钥管理)',
  SignatureDoesNotMatch: 'volcengine.secretAccessKey does not belong to the access key: copy the pair again (访问控制 → 密钥管理)',
  InvalidTimestamp: "this machine's clock is off: sync it (e.g. timedatectl set-ntp true)",
  InvalidActionOrVersion: 'volcengine.endpoint does not serve Live 2023-01-01: remove endpoint to use https://live.volcengineapi.com',
  ServiceNotFound: 'volcengine.endpoint is not the Live service: remove endpoint to use https://live.volcengineapi.com',
  LackPolicy: 'the access key may not manage Live callbacks: grant its user the LiveFullAccess policy (访问控制 → 用户 → 权限)',
  AccessDenied: 'the access key may not manage Live callbacks: grant its user the LiveFullAccess policy (访问控制 → 用户 → 权限)',
  InvalidParameter: 'check the domain (--domain) and app (--app) against the Live console (域名管理)',
  MissingParameter: 'check the domain (--domain) and app (--app) against the Live console (域名管理)',
};

/** The sentence telling the user what to do, for the codes whose cause is known. */
export function fixFor(code: string, httpStatus: number): string | undefined {
  if (Object.hasOwn(FIXES, code)) return FIXES[code];
  if (/NotFound|NotExist/i.test(code)) return 'the domain or app does not exist in this account: check --domain and --app in the Live console (域名管理)';
  if (httpStatus === 429 || /Throttl|FlowLimit|TooMany/i.test(code)) return 'Volcengine allows 10 requests a second: try again in a moment';
  if (httpStatus >= 500) return 'a Volcengine outage: try again later';
  return undefined;
}

/** Throttling and server errors are worth another try; the rest need the user. */
export function isRetryable(code: string, httpStatus: number): boolean {
  return httpStatus === 429 || httpStatus >= 500 || /Throttl|FlowLimit|TooMany|InternalError|ServiceUnavailable/i.test(code);
}

/** A request hookbot refuses before asking Volcengine (missing setup, bad arguments): the message says what to set. */
export class VolcUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolcUsageError';
  }
}

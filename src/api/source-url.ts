// The URL to paste into a sender, per format: where each sender can put the token
// (docs/formats.md). Volcengine signs its callbacks instead, once registered.
export function senderUrl(base: string, name: string, format: string, token: string | undefined): string {
  const b = base.replace(/\/+$/, '');
  const n = encodeURIComponent(name);
  const t = token ? encodeURIComponent(token) : undefined;
  if (!t) return `${b}/hooks/${n}`;
  switch (format) {
    case 'onelive':
      return `${b}/hooks/${n}?key=${t}`;
    case 'moviepilot':
      return `${b}/hooks?source=${n}&token=${t}`;
    default:
      return `${b}/hooks/${n}?token=${t}`;
  }
}

/** Where to paste it, in the sender's own words. */
export function senderHint(format: string, name: string): string {
  switch (format) {
    case 'bettergi':
      return 'BetterGI: 设置 → 通知 → Webhook → Endpoint';
    case 'onelive':
      return 'OneLiveRec: 设置 → 自动化 → Webhooks → URL';
    case 'moviepilot':
      return 'MoviePilot: 插件 → Webhook → 地址 (POST)';
    case 'bililive-recorder':
      return '录播姬: 设置 → Webhook V2';
    case 'blrec':
      return 'blrec: 设置 → Webhooks';
    case 'volcengine':
      return `Volcengine: run hookbot volcengine register ${name} --domain <push domain> (signs the callbacks), or paste it as the callback URL in the console`;
    case 'report':
      return "NoneBot report: the plugin's URL (or POST /report with the token in the body)";
    default:
      return 'the sender\'s webhook URL (or send the token as Authorization: Bearer)';
  }
}

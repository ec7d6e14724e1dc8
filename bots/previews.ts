// Platform → its preview for the dashboard, loaded when first asked (the renderers are small, but
// a platform's folder is only read when a configured bot needs it).
import type { PreviewFn } from '../src/preview.js';

export const previews: Record<string, () => Promise<PreviewFn>> = {
  telegram: async () => (await import('./telegram/preview.js')).telegramPreview,
  discord: async () => (await import('./discord/preview.js')).discordPreview,
  slack: async () => (await import('./slack/preview.js')).slackPreview,
  console: async () => (await import('./console/preview.js')).consolePreview,
  onebot: async () => (await import('./onebot/preview.js')).onebotPreview,
  dingtalk: async () => (await import('./dingtalk/preview.js')).dingtalkPreview,
  wecom: async () => (await import('./wecom/preview.js')).wecomPreview,
};

// BetterGI's notification event codes and their names (BetterGI docs 配置通知渠道 and
// Service/Notification/Model/Enum/NotificationEvent.cs at commit 5207fca). The Chinese names are
// BetterGI's own labels, except task.cancel, which the source labels 任务启动 by mistake.
export const BETTERGI_EVENTS: Record<string, { en: string; zh: string }> = {
  'notify.test': { en: 'Test notification', zh: '测试通知' },
  'domain.reward': { en: 'Domain reward', zh: '自动秘境奖励' },
  'domain.start': { en: 'Domain started', zh: '自动秘境启动' },
  'domain.end': { en: 'Domain finished', zh: '自动秘境结束' },
  'domain.retry': { en: 'Domain retry', zh: '自动秘境重试' },
  'task.cancel': { en: 'Task cancelled', zh: '任务取消' },
  'task.error': { en: 'Task error', zh: '任务错误' },
  'group.start': { en: 'Config group started', zh: '配置组启动' },
  'group.end': { en: 'Config group finished', zh: '配置组结束' },
  'dragon.start': { en: 'One-dragon started', zh: '一条龙启动' },
  'dragon.end': { en: 'One-dragon finished', zh: '一条龙结束' },
  'tcg.start': { en: 'Genius Invokation TCG started', zh: '七圣召唤启动' },
  'tcg.end': { en: 'Genius Invokation TCG finished', zh: '七圣召唤结束' },
  'album.start': { en: 'Music album started', zh: '自动音游专辑启动' },
  'album.end': { en: 'Music album finished', zh: '自动音游专辑结束' },
  'album.error': { en: 'Music album error', zh: '自动音游专辑错误' },
  'daily.reward': { en: 'Daily reward check', zh: '每日奖励检查' },
  'js.custom': { en: 'Script notification', zh: 'JS 自定义通知' },
  'js.error': { en: 'Script error', zh: 'JS 脚本错误' },
  'autoeat.start': { en: 'Auto-eat started', zh: '自动吃药启动' },
  'autoeat.end': { en: 'Auto-eat finished', zh: '自动吃药结束' },
  'autoeat.info': { en: 'Auto-eat info', zh: '自动吃药信息' },
};

/** NotificationEventResult: serialised as its integer (the string converter is bypassed) or by name. */
export const BETTERGI_RESULTS = [
  { code: 0, name: 'Success', en: 'Success', zh: '成功', level: 'success' },
  { code: 1, name: 'Fail', en: 'Failed', zh: '失败', level: 'error' },
  { code: 2, name: 'PartialSuccess', en: 'Partly successful', zh: '部分成功', level: 'warning' },
] as const;

// The languages hookbot speaks to its users. `en` is the fallback for anything unknown.
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** A locale from config or a payload: anything but `zh-CN` is English. */
export function asLocale(v: string | undefined): Locale {
  return v === 'zh-CN' ? 'zh-CN' : 'en';
}

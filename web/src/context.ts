// What every page needs: the language, the time zone and the translator bound to them.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { translate, type Key, type Lang } from './i18n.js';
import { formatTime } from './time.js';

export interface Ctx {
  lang: Lang;
  timezone: string;
  setLang(l: Lang): void;
}

export const AppContext = createContext<Ctx>({ lang: 'en', timezone: 'UTC', setLang: () => {} });

export function useT() {
  const c = useContext(AppContext);
  return {
    ...c,
    t: (key: Key, vars?: Record<string, string | number>) => translate(c.lang, key, vars),
    time: (ms: number) => formatTime(ms, c.timezone, c.lang),
  };
}

// Looks a message up in the user's language and fills in its `{name}` values.
import { en, zhCN, type MessageKey } from './catalog.js';
import type { Locale } from './locale.js';

export type { MessageKey } from './catalog.js';
export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

const CATALOGS: Record<Locale, Partial<Record<MessageKey, string>>> = { en, 'zh-CN': zhCN };
const plurals = new Map<Locale, Intl.PluralRules>();

export function t(locale: Locale, key: MessageKey, vars: Vars = {}): string {
  const catalog = CATALOGS[locale] ?? en;
  let rules = plurals.get(locale);
  if (!rules) plurals.set(locale, (rules = new Intl.PluralRules(locale)));
  const one = typeof vars['n'] === 'number' && rules.select(vars['n']) === 'one' ? catalog[`${key}_one` as MessageKey] : undefined;
  const text: string = one ?? catalog[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : m));
}

/** `t` bound to one locale. */
export function translator(locale: Locale): Translate {
  return (key, vars) => t(locale, key, vars);
}

/** The catalogs, for the tests that check both languages have every key and the same placeholders. */
export const catalogs = CATALOGS;

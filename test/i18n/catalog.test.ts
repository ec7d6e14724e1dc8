import { describe, expect, it } from 'vitest';
import { en, zhCN } from '../../src/i18n/catalog.js';
import { t } from '../../src/i18n/translate.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const base = Object.keys(en).filter((k) => !k.endsWith('_one'));

describe('message catalogs', () => {
  it('have every key in both languages, and nothing more', () => {
    expect(Object.keys(zhCN).sort()).toEqual(base.sort());
    for (const k of Object.keys(en).filter((x) => x.endsWith('_one'))) expect(base).toContain(k.slice(0, -4));
  });

  it.each(base)('%s: the same placeholders in both', (k) => {
    const key = k as keyof typeof zhCN;
    expect(placeholders(zhCN[key])).toEqual(placeholders(en[key]));
    expect(zhCN[key].trim()).not.toBe('');
  });

  it('fills in values and picks the English singular by Intl.PluralRules', () => {
    expect(t('en', 'retry.all', { n: 1 })).toBe('Retrying 1 failed delivery.');
    expect(t('en', 'retry.all', { n: 3 })).toBe('Retrying 3 failed deliveries.');
    expect(t('zh-CN', 'retry.all', { n: 1 })).toBe('正在重试 1 条投递失败的消息。');
  });
});

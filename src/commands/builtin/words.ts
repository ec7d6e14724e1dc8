// Store and health states as users read them, in their language; an unknown one as it is.
import type { MessageKey, Translate } from '../../i18n/translate.js';
import { esc } from '../format.js';
import { closest } from '../../didyoumean.js';

function word(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  const out = t(key);
  return out === key ? esc(value) : out;
}

export const stateWord = (t: Translate, state: string) => word(t, 'state', state);
export const healthWord = (t: Translate, state: string) => word(t, 'health', state);
export const levelWord = (t: Translate, level: string) => word(t, 'level', level);
export const outcomeWord = (t: Translate, outcome: string) => word(t, 'audit', outcome);

/** `: did you mean 'bgi'?` in the user's language, or nothing. */
export function hintFor(t: Translate, word: string, names: string[]): string {
  const near = closest(word, names);
  return near === undefined ? '' : t('hint.didYouMean', { name: near });
}


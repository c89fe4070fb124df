/**
 * Password strength with zxcvbn (pattern matching against common passwords, words, keyboard rows,
 * repeats, dates), so a 12-character `password1234` is refused as surely as a short one.
 * @see https://github.com/zxcvbn-ts/zxcvbn
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/** zxcvbn's 0–4 scale; 3 is "safely unguessable: moderate protection from offline attacks". */
export const MIN_PASSWORD_SCORE = 3;

/** English for zxcvbn's feedback keys (language-common ships none; language-en is not a dependency). */
const WARNINGS: Record<string, string> = {
  straightRow: 'straight rows of keys on the keyboard are easy to guess',
  keyPattern: 'short keyboard patterns are easy to guess',
  simpleRepeat: 'repeated characters like "aaa" are easy to guess',
  extendedRepeat: 'repeated patterns like "abcabcabc" are easy to guess',
  sequences: 'sequences like "abc" are easy to guess',
  recentYears: 'recent years are easy to guess',
  dates: 'dates are easy to guess',
  topTen: 'this is one of the ten most used passwords',
  topHundred: 'this is one of the hundred most used passwords',
  common: 'this is a commonly used password',
  similarToCommon: 'this is similar to a commonly used password',
  wordByItself: 'single words are easy to guess',
  namesByThemselves: 'single names or surnames are easy to guess',
  commonNames: 'common names and surnames are easy to guess',
  userInputs: 'it contains the username or other personal data',
  pwned: 'this password has been exposed in a data breach',
};
const SUGGESTIONS: Record<string, string> = {
  l33t: 'avoid predictable letter substitutions like "@" for "a"',
  reverseWords: 'avoid reversed spellings of common words',
  allUppercase: 'capitalize some, but not all, letters',
  capitalization: 'capitalize more than the first letter',
  dates: 'avoid dates and years associated with you',
  recentYears: 'avoid recent years',
  associatedYears: 'avoid years associated with you',
  sequences: 'avoid common character sequences',
  repeated: 'avoid repeated words and characters',
  longerKeyboardPattern: 'use longer keyboard patterns and change typing direction several times',
  anotherWord: 'add more words that are less common',
  useWords: 'use multiple words, but avoid common phrases',
  noNeed: 'you can create strong passwords without symbols, numbers or uppercase letters',
  pwned: 'change it wherever else you use it',
};

let factory: ZxcvbnFactory | undefined;
/** Built on first use: loading the dictionaries takes a moment nobody should pay at start-up. */
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs }));

export type Strength = { score: number; warning: string | null; suggestions: string[] };

/** `userInputs`: the username, name, e-mail — a password built from them is weak. */
export function passwordStrength(password: string, userInputs: string[] = []): Strength {
  const { score, feedback } = zxcvbn().check(password, userInputs);
  return {
    score,
    warning: feedback.warning ? (WARNINGS[feedback.warning] ?? feedback.warning) : null,
    suggestions: feedback.suggestions.map((s) => SUGGESTIONS[s] ?? s),
  };
}

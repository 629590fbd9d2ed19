import { randomBytes, randomInt } from 'node:crypto';
import { type ChallengeValues } from './challenge-text';

/** Crockford's base32 alphabet: no I, L, O or U, so a code survives being read aloud or retyped. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 8;
/** The addends are drawn uniformly from this range (inclusive), so the sum is 200..1998. */
export const ADDEND_MIN = 100;
export const ADDEND_MAX = 999;

/** A fresh challenge: 40 random bits of code (8 Crockford characters) and two random addends. */
export function newChallenge(): ChallengeValues {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let index = CODE_LENGTH - 1; index >= 0; index -= 1) {
    code += CROCKFORD_ALPHABET[Number((bits >> BigInt(index * 5)) & 31n)];
  }
  return { code, a: randomInt(ADDEND_MIN, ADDEND_MAX + 1), b: randomInt(ADDEND_MIN, ADDEND_MAX + 1) };
}

/** What an earlier challenge of the same provider asked for; kept in a bounded window to catch replays. */
export interface PastChallenge {
  readonly code: string;
  readonly sum: number;
}

/** The judge's verdict on one reply. */
export type Judgement =
  | { readonly verdict: 'right'; readonly detail: string }
  | { readonly verdict: 'wrong_answer'; readonly detail: string }
  | { readonly verdict: 'replay'; readonly detail: string };

export interface JudgeOptions {
  /** A reply with more distinct numbers than this is a guess, not an answer. */
  readonly maxNumbers: number;
  /** A reply longer than this (after stripping) is not an answer to a one-line task. */
  readonly maxChars: number;
}

export const DEFAULT_JUDGE_OPTIONS: JudgeOptions = { maxNumbers: 6, maxChars: 1000 };

/** Reasoning some models write inline before the answer; the answer is what follows it. */
const INLINE_THINKING = /<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi;

/**
 * Strips what a model may wrap an answer in: inline thinking, markdown emphasis, code fences,
 * headings, quotes and punctuation. Digit groups such as "1,234" become "1234". Upper case.
 */
export function normaliseReply(text: string): string {
  return text
    .replace(INLINE_THINKING, ' ')
    .replace(/(\d)[,\u00a0\u202f_](?=\d{3}\b)/g, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toUpperCase();
}

function tokens(normalised: string): string[] {
  return normalised.split(' ').filter(Boolean);
}

/** The code as a word of its own, or glued to chatter ("CODEABCD1234"): 40 bits never match by chance. */
function containsCode(words: readonly string[], code: string): boolean {
  return words.some((word) => word.includes(code));
}

/**
 * Judges a reply to `challenge`, tolerantly: chatter, markdown and punctuation are ignored, the
 * code is matched case-insensitively and the sum must appear as a number of its own. A reply that
 * lacks the current answer but carries an earlier challenge's code (40 bits: never a coincidence)
 * is a replay. An earlier *sum* alone is weak evidence (a few hundred values), so it counts as a
 * replay only when the reply has no code of its own and that sum is its only number.
 */
export function judgeAnswer(
  text: string,
  challenge: ChallengeValues,
  earlier: readonly PastChallenge[],
  options: JudgeOptions = DEFAULT_JUDGE_OPTIONS,
): Judgement {
  const normalised = normaliseReply(text);
  if (normalised.length === 0) return { verdict: 'wrong_answer', detail: 'the reply has no answer text' };
  const words = tokens(normalised);
  const code = challenge.code.toUpperCase();
  const sum = challenge.a + challenge.b;
  const numbers = new Set(words.filter((word) => /^\d+$/.test(word)).map(Number));
  const hasCode = containsCode(words, code);
  const hasSum = numbers.has(sum);

  const replayed = earlier.find((past) => past.code.toUpperCase() !== code && containsCode(words, past.code.toUpperCase()));
  if (replayed && !(hasCode && hasSum)) {
    return { verdict: 'replay', detail: `the reply carries the code ${replayed.code} of an earlier challenge instead of ${code}` };
  }
  if (!hasCode && numbers.size === 1 && !hasSum) {
    const staleSum = earlier.find((past) => numbers.has(past.sum));
    if (staleSum) return { verdict: 'replay', detail: `the reply's only number is ${staleSum.sum}, the sum of an earlier challenge` };
  }
  if (normalised.length > options.maxChars) {
    return { verdict: 'wrong_answer', detail: `the reply is ${normalised.length} characters long; a one-line answer is expected` };
  }
  if (numbers.size > options.maxNumbers) {
    return { verdict: 'wrong_answer', detail: `the reply holds ${numbers.size} different numbers; one sum is expected` };
  }
  if (hasCode && hasSum) return { verdict: 'right', detail: `code ${code} and sum ${sum} found` };
  if (!hasCode && !hasSum) return { verdict: 'wrong_answer', detail: `neither the code ${code} nor the sum ${sum} is in the reply` };
  if (!hasCode) return { verdict: 'wrong_answer', detail: `the sum ${sum} is there but the code ${code} is missing` };
  const found = [...numbers].slice(0, 3).join(', ');
  return { verdict: 'wrong_answer', detail: `the code is there but the sum ${sum} is missing${found ? ` (numbers found: ${found})` : ''}` };
}

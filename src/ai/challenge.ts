import { randomBytes, randomInt } from 'node:crypto';
import { type ChallengeValues } from './challenge-text';

/** Crockford's base32 alphabet: no I, L, O or U, so a code survives being read aloud or retyped. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 8;
/** The addends are drawn uniformly from this range (inclusive), so the sum is 200..1998. */
export const ADDEND_MIN = 100;
export const ADDEND_MAX = 999;
/** The count list asked for after the sum is 1..items, items drawn from this range (inclusive). */
export const ITEMS_MIN = 2;
export const ITEMS_MAX = 40;
/** Share of the asked-for count list an answer must carry (a model may drop or merge a few). */
export const ITEMS_REQUIRED = 0.6;

/** Upper end of the short half of the items range; the long half starts well above it. */
const SHORT_ITEMS_MAX = 14;
export const LONG_ITEMS_MIN = 28;

/**
 * The challenge the streaming check sends: the run's own, with a long count list when the run's
 * was short, so the stream carries enough content chunks to tell a model writing from a buffer
 * flushed at once (stream-check.ts needs BURST_MIN_CHUNKS).
 */
export const streamChallenge = (challenge: ChallengeValues): ChallengeValues => ({ ...challenge, items: Math.max(challenge.items ?? 0, LONG_ITEMS_MIN) });

/**
 * How many items to ask for. After a short list comes a long one and after a long one a short
 * one (each drawn at random within its half), so any two runs in a row ask for answers that differ
 * by 14 or more numbers and every window the timing and usage rules look at spans short and long
 * answers: a reply whose latency or tokens do not grow with what was asked shows from the first
 * full window, not only once chance has spread the lengths.
 */
export function itemsAfter(previous: number | null | undefined): number {
  // The first list is short or long too, never in between: the next one then differs by 14 or more.
  if (previous === null || previous === undefined || previous <= 0) return randomInt(2) === 0 ? randomInt(ITEMS_MIN, SHORT_ITEMS_MAX + 1) : randomInt(LONG_ITEMS_MIN, ITEMS_MAX + 1);
  return previous <= (ITEMS_MIN + ITEMS_MAX) / 2 ? randomInt(LONG_ITEMS_MIN, ITEMS_MAX + 1) : randomInt(ITEMS_MIN, SHORT_ITEMS_MAX + 1);
}

/**
 * A fresh challenge: 40 random bits of code (8 Crockford characters), two random addends and a
 * count list whose length alternates between short and long after `previousItems` (see itemsAfter).
 */
export function newChallenge(previousItems?: number | null): ChallengeValues {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let index = CODE_LENGTH - 1; index >= 0; index -= 1) {
    code += CROCKFORD_ALPHABET[Number((bits >> BigInt(index * 5)) & 31n)];
  }
  return { code, a: randomInt(ADDEND_MIN, ADDEND_MAX + 1), b: randomInt(ADDEND_MIN, ADDEND_MAX + 1), items: itemsAfter(previousItems) };
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

/** Earlier codes beyond the window: a Bloom filter of every code sent (see ./bloom.ts). */
export type SeenCode = (code: string) => boolean;

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

const CODE_WINDOW = /^[0-9A-HJKMNP-TV-Z]{8,}$/;

/**
 * An earlier code (beyond the window) in the reply: every 8-character stretch of a word made of the
 * code alphabet is looked up in the Bloom filter. Only asked when the reply is not right anyway.
 */
function olderCode(words: readonly string[], code: string, seenCode: SeenCode | undefined): string | undefined {
  if (!seenCode) return undefined;
  for (const word of words) {
    if (!CODE_WINDOW.test(word) || !/[A-Z]/.test(word)) continue;
    for (let at = 0; at + CODE_LENGTH <= word.length; at += 1) {
      const part = word.slice(at, at + CODE_LENGTH);
      if (part !== code && seenCode(part)) return part;
    }
  }
  return undefined;
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
  seenCode?: SeenCode,
): Judgement {
  const normalised = normaliseReply(text);
  if (normalised.length === 0) return { verdict: 'wrong_answer', detail: 'the reply has no answer text' };
  const words = tokens(normalised);
  const code = challenge.code.toUpperCase();
  const sum = challenge.a + challenge.b;
  const items = challenge.items ?? 0;
  const allNumbers = new Set(words.filter((word) => /^\d+$/.test(word)).map(Number));
  // The count list 1..items is asked for; only the other numbers can be guesses.
  const numbers = new Set([...allNumbers].filter((n) => n < 1 || n > items));
  const hasCode = containsCode(words, code);
  const hasSum = numbers.has(sum);

  const replayed = earlier.find((past) => past.code.toUpperCase() !== code && containsCode(words, past.code.toUpperCase()))?.code ?? (hasCode && hasSum ? undefined : olderCode(words, code, seenCode));
  if (replayed && !(hasCode && hasSum)) {
    return { verdict: 'replay', detail: `the reply carries the code ${replayed} of an earlier challenge instead of ${code}` };
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
  if (hasCode && hasSum) {
    const listed = Array.from({ length: items }, (_v, i) => i + 1).filter((n) => allNumbers.has(n)).length;
    if (listed < Math.ceil(items * ITEMS_REQUIRED)) return { verdict: 'wrong_answer', detail: `code and sum found, but only ${listed} of the numbers 1 to ${items} asked for` };
    return { verdict: 'right', detail: `code ${code} and sum ${sum} found${items ? `, ${listed} of ${items} listed` : ''}` };
  }
  if (!hasCode && !hasSum) return { verdict: 'wrong_answer', detail: `neither the code ${code} nor the sum ${sum} is in the reply` };
  if (!hasCode) return { verdict: 'wrong_answer', detail: `the sum ${sum} is there but the code ${code} is missing` };
  const found = [...numbers].slice(0, 3).join(', ');
  return { verdict: 'wrong_answer', detail: `the code is there but the sum ${sum} is missing${found ? ` (numbers found: ${found})` : ''}` };
}

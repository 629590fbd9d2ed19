/**
 * The wording of the fake-AI challenge, shared by the validator that issues it and by the
 * provider simulator that plays an honest model. See docs/fake-ai-validation.md.
 *
 * The answer is `<code> <sum> 1 2 … <items>`: the code is copied from the prompt, the sum is
 * computed, so the full answer never appears in the prompt and changes every run (40 bits of code
 * + two numbers). The count list makes the asked-for length vary between runs: a live model's
 * completion tokens and latency grow with it, a fixed delay's do not.
 */
export interface ChallengeValues {
  /** 8 characters of Crockford base32: 40 bits of randomness. */
  readonly code: string;
  readonly a: number;
  readonly b: number;
  /** How many numbers (1..items) the answer must list after the sum; absent or 0: none. */
  readonly items?: number;
}

export function challengePrompt(values: ChallengeValues): string {
  const list = values.items ? `, then a space and the numbers from 1 to ${values.items} separated by spaces` : '';
  return (
    `Verification task. Reply with one line: the code ${values.code}, then a space, ` +
    `then the sum of ${values.a} and ${values.b} as digits${list}. No other text.`
  );
}

const PROMPT_PATTERN = /the code ([0-9A-Z]{8}), then a space, then the sum of (\d+) and (\d+)(?: as digits, then a space and the numbers from 1 to (\d+))?/;

/** Reads the values back out of a prompt (what an honest model "understands"); undefined if not a challenge. */
export function parseChallengePrompt(prompt: string): ChallengeValues | undefined {
  const match = PROMPT_PATTERN.exec(prompt);
  if (!match) return undefined;
  const items = match[4] === undefined ? 0 : Number(match[4]);
  return { code: match[1] as string, a: Number(match[2]), b: Number(match[3]), ...(items > 0 ? { items } : {}) };
}

/** The numbers 1..items joined by spaces; '' when none are asked for. */
export const countList = (items: number | undefined): string => (items ? Array.from({ length: items }, (_v, i) => String(i + 1)).join(' ') : '');

export const expectedAnswer = (values: ChallengeValues): string => [values.code, String(values.a + values.b), countList(values.items)].filter(Boolean).join(' ');

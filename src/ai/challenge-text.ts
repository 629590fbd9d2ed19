/**
 * The wording of the fake-AI challenge, shared by the validator that issues it and by the
 * provider simulator that plays an honest model. See docs/fake-ai-validation.md.
 *
 * The answer is `<code> <sum>`: the code is copied from the prompt, the sum is computed, so the
 * full answer never appears in the prompt and changes every run (40 bits of code + two numbers).
 */
export interface ChallengeValues {
  /** 8 characters of Crockford base32: 40 bits of randomness. */
  readonly code: string;
  readonly a: number;
  readonly b: number;
}

export function challengePrompt(values: ChallengeValues): string {
  return (
    `Verification task. Reply with one line: the code ${values.code}, then a space, ` +
    `then the sum of ${values.a} and ${values.b} as digits. No other text.`
  );
}

const PROMPT_PATTERN = /the code ([0-9A-Z]{8}), then a space, then the sum of (\d+) and (\d+)/;

/** Reads the values back out of a prompt (what an honest model "understands"); undefined if not a challenge. */
export function parseChallengePrompt(prompt: string): ChallengeValues | undefined {
  const match = PROMPT_PATTERN.exec(prompt);
  if (!match) return undefined;
  return { code: match[1] as string, a: Number(match[2]), b: Number(match[3]) };
}

export const expectedAnswer = (values: ChallengeValues): string => `${values.code} ${values.a + values.b}`;

import { ADDEND_MAX, ADDEND_MIN, CROCKFORD_ALPHABET, ITEMS_MAX, ITEMS_MIN, itemsAfter, judgeAnswer, newChallenge, normaliseReply } from '../../../src/ai/challenge';
import { challengePrompt, expectedAnswer, parseChallengePrompt, type ChallengeValues } from '../../../src/ai/challenge-text';

const values: ChallengeValues = { code: 'K7QX2M9P', a: 417, b: 288 }; // sum 705

describe('challenges', () => {
  it('are 8 Crockford base32 characters and two addends in 100..999, fresh each time', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 2000; index += 1) {
      const challenge = newChallenge();
      expect(challenge.code).toMatch(new RegExp(`^[${CROCKFORD_ALPHABET}]{8}$`));
      for (const n of [challenge.a, challenge.b]) {
        expect(Number.isInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(ADDEND_MIN);
        expect(n).toBeLessThanOrEqual(ADDEND_MAX);
      }
      seen.add(challenge.code);
    }
    expect(seen.size).toBe(2000);
  });

  it('round-trip through the prompt text the simulator reads back', () => {
    for (let index = 0; index < 200; index += 1) {
      const challenge = newChallenge();
      expect(parseChallengePrompt(challengePrompt(challenge))).toEqual(challenge);
    }
  });
});

describe('the judge', () => {
  it.each([
    'K7QX2M9P 705',
    'k7qx2m9p 705',
    '**K7QX2M9P 705**',
    '```\nK7QX2M9P 705\n```',
    'Sure! The code is K7QX2M9P, and the sum is 705.',
    'Answer: `K7QX2M9P 705`\n\nLet me know if you need anything else!',
    '<think>417 + 288 = 705, so the line is K7QX2M9P 705</think>\nK7QX2M9P 705',
    'CODE:K7QX2M9P SUM:705',
  ])('accepts the right answer however it is wrapped: %j', (text) => {
    expect(judgeAnswer(text, values, []).verdict).toBe('right');
  });

  it.each([
    ['K7QX2M9P 706', /sum 705 is missing/],
    ['705', /code K7QX2M9P is missing/],
    ['Verification task. Reply with one line: the code K7QX2M9P, then a space, then the sum of 417 and 288 as digits.', /sum 705 is missing/],
    ['', /no answer text/],
    ['K7QX2M9P 700 701 702 703 704 705 706', /different numbers/],
    ['<think>K7QX2M9P 705</think>', /no answer text/],
  ])('calls %j a wrong answer', (text, detail) => {
    const judgement = judgeAnswer(text, values, []);
    expect(judgement.verdict).toBe('wrong_answer');
    expect(judgement.detail).toMatch(detail);
  });

  it('calls an earlier challenge’s answer a replay, by its code or by its sum alone', () => {
    const earlier = [{ code: 'AB12CD34', sum: 1234 }];
    expect(judgeAnswer('AB12CD34 1234', values, earlier)).toMatchObject({ verdict: 'replay' });
    expect(judgeAnswer('Sure! **ab12cd34 1234**', values, earlier)).toMatchObject({ verdict: 'replay' });
    expect(judgeAnswer('1234', values, earlier)).toMatchObject({ verdict: 'replay' });
    // The current code with a wrong sum is a wrong answer, even if that sum was once right.
    expect(judgeAnswer('K7QX2M9P 1234', values, earlier)).toMatchObject({ verdict: 'wrong_answer' });
    // A right answer stays right.
    expect(judgeAnswer(expectedAnswer(values), values, earlier)).toMatchObject({ verdict: 'right' });
  });

  it('normalises markdown and digit groups', () => {
    expect(normaliseReply('**Code:** `ab12` — sum: 1,234!')).toBe('CODE AB12 SUM 1234');
  });
});

describe('asked-for answer length', () => {
  it('alternates short and long lists, so any two runs in a row differ in length by 14 numbers or more', () => {
    let previous: number | null = null;
    const seen: number[] = [];
    for (let run = 0; run < 400; run += 1) {
      const items: number = newChallenge(previous).items ?? 0;
      expect(items).toBeGreaterThanOrEqual(ITEMS_MIN);
      expect(items).toBeLessThanOrEqual(ITEMS_MAX);
      if (previous !== null) expect(Math.abs(items - previous)).toBeGreaterThanOrEqual(14);
      seen.push(items);
      previous = items;
    }
    // Random within each half: not a fixed pair of lengths a fake could learn.
    expect(new Set(seen).size).toBeGreaterThan(10);
    expect(itemsAfter(null)).toBeGreaterThanOrEqual(ITEMS_MIN);
  });
});

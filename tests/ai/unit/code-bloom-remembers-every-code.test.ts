import { BLOOM_BITS, bloomFalsePositiveRate, CodeBloom } from '../../../src/ai/bloom';
import { newChallenge } from '../../../src/ai/challenge';

const newChallengeCode = (): string => newChallenge().code;

describe('the Bloom filter of past challenge codes', () => {
  it('finds every code it was given, whatever its hash (no false "never seen")', () => {
    const bloom = new CodeBloom();
    const codes = Array.from({ length: 2000 }, () => newChallengeCode());
    codes.forEach((code) => bloom.add(code));
    expect(codes.filter((code) => !bloom.has(code))).toEqual([]);
    expect(bloom.count).toBe(new Set(codes).size);
  });

  it('keeps what it holds through encode and decode (the state file)', () => {
    const bloom = new CodeBloom();
    const codes = Array.from({ length: 200 }, () => newChallengeCode());
    codes.forEach((code) => bloom.add(code));
    const copy = new CodeBloom(bloom.encode());
    expect(codes.every((code) => copy.has(code))).toBe(true);
    expect(copy.count).toBe(bloom.count);
  });

  it('says "seen" for fresh codes at about the documented rate, not more', () => {
    const bloom = new CodeBloom();
    for (let i = 0; i < 17_520; i += 1) bloom.add(newChallengeCode());
    const fresh = Array.from({ length: 20_000 }, () => newChallengeCode());
    const falseYes = fresh.filter((code) => bloom.has(code)).length / fresh.length;
    // Expected ≈ 0.1 %; ten times that would mean the positions are skewed.
    expect(bloomFalsePositiveRate(17_520)).toBeLessThan(0.002);
    expect(falseYes).toBeLessThan(10 * bloomFalsePositiveRate(17_520) + 0.001);
    expect(BLOOM_BITS).toBe(1 << 18);
  });
});

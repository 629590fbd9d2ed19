import { createHash } from 'node:crypto';

/** 2^18 bits (32 KiB) and 7 probes: after 17,520 codes (48 runs a day for a year) p ≈ 0.1 %. */
export const BLOOM_BITS = 1 << 18;
export const BLOOM_PROBES = 7;

/** The false-positive rate of a filter holding `n` items: (1 − e^(−kn/m))^k. */
export function bloomFalsePositiveRate(n: number, bits = BLOOM_BITS, probes = BLOOM_PROBES): number {
  return (1 - Math.exp((-probes * n) / bits)) ** probes;
}

/**
 * Every challenge code a provider was ever sent, in a fixed-size Bloom filter: "never seen" is
 * certain, "seen" is wrong with the rate above. Lets replay evidence outlive the sliding windows
 * without keeping every code.
 */
export class CodeBloom {
  private readonly bits: Uint8Array;
  count: number;

  constructor(encoded?: { readonly bits: string; readonly count: number }) {
    const decoded = encoded ? Buffer.from(encoded.bits, 'base64') : undefined;
    this.bits = decoded && decoded.length === BLOOM_BITS / 8 ? new Uint8Array(decoded) : new Uint8Array(BLOOM_BITS / 8);
    this.count = decoded && decoded.length === BLOOM_BITS / 8 ? encoded?.count ?? 0 : 0;
  }

  /** Double hashing (Kirsch–Mitzenmacher) over one SHA-256 of the upper-cased code. */
  private positions(code: string): number[] {
    const digest = createHash('sha256').update(code.toUpperCase()).digest();
    const h1 = digest.readUInt32BE(0);
    // `| 1` yields a signed 32-bit value; `>>> 0` keeps it unsigned so every position is in range.
    const h2 = (digest.readUInt32BE(4) | 1) >>> 0;
    return Array.from({ length: BLOOM_PROBES }, (_v, i) => (h1 + i * h2) % BLOOM_BITS);
  }

  add(code: string): void {
    if (this.has(code)) return;
    for (const bit of this.positions(code)) this.bits[bit >> 3] = (this.bits[bit >> 3] as number) | (1 << (bit & 7));
    this.count += 1;
  }

  has(code: string): boolean {
    return this.positions(code).every((bit) => ((this.bits[bit >> 3] as number) & (1 << (bit & 7))) !== 0);
  }

  encode(): { bits: string; count: number } {
    return { bits: Buffer.from(this.bits).toString('base64'), count: this.count };
  }
}

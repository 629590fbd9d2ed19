/** Counts per value with at most `cap` distinct values; later new values are tallied as "other". */
export class CappedCounter {
  private readonly counts = new Map<string, number>();
  other = 0;

  constructor(private readonly cap = 10_000) {}

  add(value: string, by = 1): void {
    const current = this.counts.get(value);
    if (current !== undefined) this.counts.set(value, current + by);
    else if (this.counts.size < this.cap) this.counts.set(value, by);
    else this.other += by;
  }

  get(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** The `n` largest counts, ties by value, largest first. */
  top(n: number): { value: string; count: number }[] {
    return [...this.counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, n);
  }

  toObject(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** Buckets for a histogram of a period: the smallest of these steps giving at most 30 buckets. */
const STEPS_MS = [60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000, 30 * 86_400_000];

export function bucketStep(lengthMs: number): number {
  return STEPS_MS.find((step) => lengthMs / step <= 30) ?? Math.ceil(lengthMs / 30);
}

/** Counts per fixed-width time bucket over [from, to). */
export class TimeHistogram {
  readonly step: number;
  readonly counts: number[];

  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    this.step = bucketStep(to - from);
    this.counts = new Array<number>(Math.max(1, Math.ceil((to - from) / this.step))).fill(0);
  }

  add(time: number): void {
    const index = Math.floor((time - this.from) / this.step);
    if (index >= 0 && index < this.counts.length) this.counts[index] = (this.counts[index] as number) + 1;
  }

  buckets(): { start: string; count: number }[] {
    return this.counts.map((count, index) => ({ start: new Date(this.from + index * this.step).toISOString(), count }));
  }
}

import type { Histogram } from 'prom-client';
// prom-client has no public way to add observations in bulk; see addObservations below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { hashObject } = require('prom-client/lib/util') as { hashObject?: (labels: object, names?: string[]) => string };

interface Entry {
  labels: Record<string, string>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

interface HistogramInternals {
  hashMap?: Record<string, Entry>;
  upperBounds?: readonly number[];
  sortedLabelNames?: string[];
}

/** Observations of one label set between flushes. */
export class HistogramBatch {
  /** Counts per bucket, by upper bound index; the last entry is +Inf. */
  readonly buckets: number[];
  /** The values in order: the sum is added up in the same order as observe() would. */
  readonly values: number[] = [];

  constructor(
    public labels: Record<string, string>,
    private readonly bounds: readonly number[],
  ) {
    this.buckets = new Array<number>(bounds.length + 1).fill(0);
  }

  get count(): number {
    return this.values.length;
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index += 1;
    this.buckets[index] = (this.buckets[index] as number) + 1;
    this.values.push(value);
  }
}

/** True when this prom-client keeps histograms the way `addObservations` expects. */
export function canAddInBulk(histogram: Histogram<string>): boolean {
  const internals = histogram as unknown as HistogramInternals;
  return typeof hashObject === 'function' && typeof internals.hashMap === 'object' && internals.hashMap !== null && Array.isArray(internals.upperBounds);
}

/**
 * Adds a batch to a prom-client histogram. Calling observe() per line costs more than reading the
 * line, so batches are added to the histogram's own entry: the entry is created by the public
 * `zero()`, then its buckets, sum and count grow. tests/logs/histogram-batch-equals-observe.test.ts
 * checks the exposition is identical to observe() per value; without the expected internals
 * (`canAddInBulk` false) every value is observed one by one.
 */
export function addObservations(histogram: Histogram<string>, batch: HistogramBatch): void {
  if (batch.count === 0) return;
  const internals = histogram as unknown as HistogramInternals;
  if (!canAddInBulk(histogram)) {
    for (const value of batch.values) histogram.observe(batch.labels, value);
    return;
  }
  const hashMap = internals.hashMap as Record<string, Entry>;
  const hash = (hashObject as NonNullable<typeof hashObject>)(batch.labels, internals.sortedLabelNames);
  if (hashMap[hash] === undefined) histogram.zero(batch.labels);
  const entry = hashMap[hash] as Entry;
  const bounds = internals.upperBounds as readonly number[];
  bounds.forEach((bound, index) => {
    entry.bucketValues[bound] = (entry.bucketValues[bound] ?? 0) + (batch.buckets[index] as number);
  });
  // Added one by one, in order, so the floating-point sum is the one observe() would give.
  for (const value of batch.values) entry.sum += value;
  entry.count += batch.count;
}

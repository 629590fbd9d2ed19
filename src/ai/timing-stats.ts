/** Small robust statistics for the timing rules: medians and slopes that a few outliers cannot move. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Interquartile range (linear interpolation between order statistics). */
export function iqr(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    const pos = (sorted.length - 1) * q;
    const low = Math.floor(pos);
    const high = Math.ceil(pos);
    return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (pos - low);
  };
  return sorted.length < 2 ? 0 : at(0.75) - at(0.25);
}

/**
 * Range of the lowest 75 % of the latencies (the top quarter left out, at least one). A stall or a
 * slow packet only ever lengthens a latency, so only the top is cut: a fixed delay stays tight at
 * its bottom, while honest latencies that happen to bunch in the middle still count their fastest.
 * Cutting both ends read honest series as flat several times more often (docs/fake-ai-validation.md).
 */
export function lowerSpread(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length < 3) return 0;
  const cut = Math.max(1, Math.floor(sorted.length * 0.25));
  return (sorted[sorted.length - 1 - cut] as number) - (sorted[0] as number);
}

/**
 * Theil–Sen slope of y over x: the median of the slopes of every pair with different x. Up to
 * about 29 % of the points can be outliers (an event-loop stall, one slow packet) without moving it.
 */
export function theilSen(points: readonly { readonly x: number; readonly y: number }[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i += 1) {
    for (let j = i + 1; j < points.length; j += 1) {
      const p = points[i] as { x: number; y: number };
      const q = points[j] as { x: number; y: number };
      if (p.x !== q.x) slopes.push((q.y - p.y) / (q.x - p.x));
    }
  }
  return slopes.length === 0 ? NaN : median(slopes);
}

/** The most values that fit in a band `width` wide (sorted two-pointer sweep). */
export function largestCluster(values: readonly number[], width: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) > width) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

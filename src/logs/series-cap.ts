import { OVERFLOW_VALUE } from './label-limiter';

/**
 * Bounds the series of each log-fed family (`max_series_per_family`): the first label sets are
 * admitted; later ones are added to one series whose labels are all "other", so sums stay exact
 * while the series count cannot grow past the cap (plus that one series). Folded increments are
 * counted per family. The per-label caps alone still allow their product, e.g. 100^3 series.
 */
export class SeriesCap {
  private readonly admitted = new Map<string, Set<string>>();
  private readonly overflowLabels = new Map<string, Record<string, string>>();
  /** Increments folded since the last `drainOverflow`, by family. */
  private readonly overflow = new Map<string, number>();

  constructor(private limit: number) {}

  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** The labels to write `hits` increments of `family` under: its own, or the all-"other" set. */
  labelsFor(family: string, labels: Record<string, string>, hits: number): Record<string, string> {
    let set = this.admitted.get(family);
    if (!set) this.admitted.set(family, (set = new Set()));
    const names = Object.keys(labels);
    if (names.length === 0) return labels;
    let key = '';
    for (const name of names) key += `${labels[name] as string}\u0000`;
    if (set.has(key)) return labels;
    if (set.size < this.limit) {
      set.add(key);
      return labels;
    }
    this.overflow.set(family, (this.overflow.get(family) ?? 0) + hits);
    let other = this.overflowLabels.get(family);
    if (!other) this.overflowLabels.set(family, (other = Object.fromEntries(names.map((name) => [name, OVERFLOW_VALUE]))));
    return other;
  }

  drainOverflow(): Map<string, number> {
    const copy = new Map(this.overflow);
    this.overflow.clear();
    return copy;
  }
}

import { detach } from './transforms';

/** The value a label takes once it has reached its cap of distinct values. */
export const OVERFLOW_VALUE = 'other';
/** Longest label value kept from a log line; longer ones are cut. */
export const MAX_LABEL_LENGTH = 128;

/**
 * Bounds every label fed from log content: each (family, label) pair admits its first `limit`
 * distinct values; later values become "other" and are counted per label name, so one client
 * spraying addresses cannot grow the series without bound. Admitted values live as long as the
 * exporter (series never come back once created, so forgetting a value would not free a series).
 */
export class LabelLimiter {
  private readonly admitted = new Map<string, Map<string, string>>();
  /** Values replaced since the last `drainOverflow`, by label name. */
  private readonly overflow = new Map<string, number>();

  constructor(
    private defaultLimit: number,
    private limits: Readonly<Record<string, number>>,
  ) {}

  /** New caps apply to later values; values already admitted stay (their series exist). */
  setLimits(defaultLimit: number, limits: Readonly<Record<string, number>>): void {
    this.defaultLimit = defaultLimit;
    this.limits = limits;
  }

  /** The admitted values of one family's label, to pass to `admit`. */
  setFor(family: string, label: string): Map<string, string> {
    const key = `${family}\u0000${label}`;
    let set = this.admitted.get(key);
    if (!set) {
      set = new Map();
      this.admitted.set(key, set);
    }
    return set;
  }

  limitFor(label: string): number {
    return Object.hasOwn(this.limits, label) ? (this.limits[label] as number) : this.defaultLimit;
  }

  /**
   * The label value to use: the stored copy of an admitted value (one string per value, so later
   * lookups by it are cheap and no slice of log text is kept), or "other".
   */
  admit(set: Map<string, string>, label: string, raw: string): string {
    const value = raw.length > MAX_LABEL_LENGTH ? raw.slice(0, MAX_LABEL_LENGTH) : raw;
    const known = set.get(value);
    if (known !== undefined) return known;
    if (set.size < this.limitFor(label) && value !== OVERFLOW_VALUE) {
      const stored = detach(value);
      set.set(stored, stored);
      return stored;
    }
    if (value === OVERFLOW_VALUE) return value;
    this.overflow.set(label, (this.overflow.get(label) ?? 0) + 1);
    return OVERFLOW_VALUE;
  }

  /** Replacements since the last call, by label name. */
  drainOverflow(): Map<string, number> {
    const copy = new Map(this.overflow);
    this.overflow.clear();
    return copy;
  }
}

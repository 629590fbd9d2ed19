import { formatDuration, parseDurationMs } from '../lib/duration';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKS = /^(\d+)w$/;

/** A duration such as 30d, 24h, 90m or 2w, in ms; undefined when it is not one or not positive. */
export function parsePeriod(text: string): number | undefined {
  const weeks = WEEKS.exec(text.trim());
  const ms = weeks ? Number(weeks[1]) * 7 * DAY_MS : parseDurationMs(text);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/**
 * An instant on the command line: a date (YYYY-MM-DD, UTC; as an end it means the end of that
 * day) or an ISO 8601 date-time; undefined when it is neither.
 */
export function parseInstant(text: string, as: 'start' | 'end'): number | undefined {
  const date = DATE_ONLY.exec(text.trim());
  if (date) {
    const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    if (new Date(ms).toISOString().slice(0, 10) !== text.trim()) return undefined;
    return as === 'end' ? ms + DAY_MS : ms;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text.trim())) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A half-open time range [from, to) in ms. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

export const rangeLength = (range: TimeRange): number => range.to - range.from;
/** The period of the same length just before `range`. */
export const previousRange = (range: TimeRange): TimeRange => ({ from: range.from - rangeLength(range), to: range.from });

export const iso = (ms: number): string => new Date(ms).toISOString();
export const describeRange = (range: TimeRange): string => `${iso(range.from)} .. ${iso(range.to)} (${formatDuration(rangeLength(range))})`;
